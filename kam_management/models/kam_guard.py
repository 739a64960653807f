"""What every key-account record checks, whoever calls it and however.

Record rules are checked by Odoo on the record as it was before a write,
onchange computes values without any access check, and users can send any
value over RPC. The mixin closes those gaps for the addon's models:

- a write that can move a record elsewhere (its account, plan or company) is
  checked against the record rules again, on the result;
- fields only the addon sets (activities, flags, counters, states) are
  written with superuser rights by the addon's own code, never by users;
- values that cannot be stored sanely (NUL bytes, huge texts, impossible
  dates, fractional integers, numbers out of range) are refused with a clear
  message before they reach the database;
- onchange needs the right to create or edit the record, and the right to
  read every record it is given, before it computes anything.
"""

import datetime
import math
import numbers

from odoo import api, models
from odoo.api import NewId
from odoo.exceptions import AccessError, UserError, ValidationError

from .kam_format import format_number

# Longest text a one-line field keeps (btree indexes break at ~2,700 bytes);
# multi-line texts stay printable in reports.
CHAR_MAX = 512
TEXT_MAX = 100_000
INT_MAX = 2**31 - 1
FLOAT_MAX = 1e15
# Every date the product stores or computes with lies in these years: far
# enough for any business date, and date arithmetic (a year on, a window
# back) stays within Python's and PostgreSQL's dates at both ends.
DATE_MIN = datetime.date(1900, 1, 1)
DATE_MAX = datetime.date(2999, 12, 31)


def _field_label(model, fname):
    field = model._fields[fname]
    return field._description_string(model.env)


def is_internal_user_of(user, company):
    """Whether ``user`` may work for ``company``: an internal user of it."""
    # sudo: the companies of another user are not always readable.
    user = user.sudo()
    return not user.share and company in user.company_ids


def date_bounds():
    """The first and last day any date of the product may take."""
    return DATE_MIN, DATE_MAX


def check_date(env, value, label):
    """``value`` (a date, datetime or ISO text) as a date within the bounds.

    :raise ValidationError: naming ``label`` when ``value`` is no date, an
        impossible one (February 30) or one outside :func:`date_bounds`
    """
    if isinstance(value, datetime.datetime):
        day = value.date()
    elif isinstance(value, datetime.date):
        day = value
    elif isinstance(value, str):
        try:
            day = datetime.date.fromisoformat(value[:10])
        except ValueError:
            raise ValidationError(
                env._(
                    "%(field)s: %(value)s is not a valid date.",
                    field=label,
                    value=value[:40],
                )
            ) from None
    else:
        raise ValidationError(
            env._(
                "%(field)s: %(value)s is not a valid date.",
                field=label,
                value=str(value)[:40],
            )
        )
    if not DATE_MIN <= day <= DATE_MAX:
        raise ValidationError(
            env._(
                "%(field)s: %(value)s is outside the years %(first)s to %(last)s.",
                field=label,
                value=day.isoformat(),
                first=DATE_MIN.year,
                last=DATE_MAX.year,
            )
        )
    return day


def _wrong_type(env, model, fname, value):
    return ValidationError(
        env._(
            "%(field)s: %(value)s is not a valid value.",
            field=_field_label(model, fname),
            value=repr(value)[:40],
        )
    )


def _relational_ids(field, value):
    """The ids a many2one value or x2many commands link, or None if malformed."""
    if isinstance(value, models.BaseModel):
        return value.ids
    if field.type == "many2one":
        if isinstance(value, bool) or not isinstance(value, int):
            return None
        return [value]
    if not isinstance(value, list | tuple):
        return None
    ids = []
    for command in value:
        if isinstance(command, int) and not isinstance(command, bool):
            ids.append(command)  # a bare id (the old API)
            continue
        if not isinstance(command, list | tuple) or not command:
            return None
        code = command[0]
        if code in (0, 5):  # create (checked by the comodel), clear
            continue
        if code == 6:
            if len(command) < 3 or not isinstance(command[2], list | tuple):
                return None
            linked = command[2]
        elif code in (1, 2, 3, 4) and len(command) >= 2:
            linked = [command[1]]
        else:
            return None
        if any(isinstance(i, bool) or not isinstance(i, int) for i in linked):
            return None
        ids.extend(linked)
    return ids


def _parses(convert, value):
    """Whether ``value`` is text that ``convert`` (int, float) reads."""
    if not isinstance(value, str):
        return False
    try:
        convert(value)
    except ValueError:
        return False
    return True


def _check_value_type(model, fname, field, value):
    """Refuse a value Odoo could not convert for the field's type."""
    env = model.env
    ftype = field.type
    if ftype in ("char", "text", "html", "selection"):
        ok = isinstance(value, str)
    elif ftype == "integer":
        ok = isinstance(value, int | float) or _parses(int, value)
    elif ftype in ("float", "monetary"):
        ok = isinstance(value, int | float) or _parses(float, value)
    elif ftype in ("date", "datetime"):
        ok = isinstance(value, str | datetime.date)
    elif ftype in ("many2one", "many2many", "one2many"):
        ok = _relational_ids(field, value) is not None
    else:
        ok = True
    if not ok:
        raise _wrong_type(env, model, fname, value)


def _check_linked_records(model, fname, field, value):
    """A user links only records of the addon they may read."""
    if model.env.su or not field.comodel_name.startswith("kam."):
        return
    ids = _relational_ids(field, value) or []
    if not ids:
        return
    records = model.env[field.comodel_name].browse(ids)
    existing = records.exists()
    if len(existing) != len(set(ids)):
        raise ValidationError(
            model.env._(
                "%(field)s: the record you chose no longer exists.",
                field=_field_label(model, fname),
            )
        )
    existing.check_access("read")


def check_input_values(model, vals):
    """Refuse values that the database or the reports cannot hold.

    Checks the type of each value for its field, then its size: NUL bytes
    and over-long texts, fractional or huge numbers, impossible dates or
    dates outside :func:`date_bounds`, unknown choices, and links to records
    of the addon that the user may not read.

    :raise ValidationError: with the field's label in the user's language
    """
    env = model.env
    for fname, value in vals.items():
        field = model._fields.get(fname)
        if field is None or value is None or value is False:
            continue
        _check_value_type(model, fname, field, value)
        ftype = field.type
        if field.relational:
            _check_linked_records(model, fname, field, value)
        elif ftype in ("char", "text", "html"):
            if "\x00" in value:
                raise ValidationError(
                    env._(
                        "%(field)s contains a NUL character, which cannot be stored.",
                        field=_field_label(model, fname),
                    )
                )
            limit = CHAR_MAX if ftype == "char" else TEXT_MAX
            if len(value) > limit:
                raise ValidationError(
                    env._(
                        "%(field)s is too long: %(length)s characters, at most "
                        "%(limit)s.",
                        field=_field_label(model, fname),
                        length=len(value),
                        limit=limit,
                    )
                )
        elif ftype == "integer" and not isinstance(value, bool):
            number = float(value) if isinstance(value, str) else value
            if isinstance(number, float) and (
                not math.isfinite(number) or not number.is_integer()
            ):
                raise ValidationError(
                    env._(
                        "%(field)s must be a whole number (got %(value)s).",
                        field=_field_label(model, fname),
                        value=format_number(env, number),
                    )
                )
            if abs(number) > INT_MAX:
                raise ValidationError(
                    env._(
                        "%(field)s is out of range (got %(value)s).",
                        field=_field_label(model, fname),
                        value=number,
                    )
                )
        elif ftype in ("float", "monetary") and not isinstance(value, bool):
            number = float(value)
            if not math.isfinite(number) or abs(number) > FLOAT_MAX:
                raise ValidationError(
                    env._(
                        "%(field)s is out of range (got %(value)s).",
                        field=_field_label(model, fname),
                        value=value,
                    )
                )
        elif ftype in ("date", "datetime"):
            check_date(env, value, _field_label(model, fname))
        elif ftype == "selection":
            allowed = field.get_values(env)
            if value not in allowed:
                raise ValidationError(
                    env._(
                        "%(field)s: %(value)s is not one of the choices.",
                        field=_field_label(model, fname),
                        value=value[:40],
                    )
                )


def check_kam_values(model, vals):
    """:func:`check_input_values` on the addon's own fields (``kam_*``) of a
    model of Odoo's that the addon extends."""
    check_input_values(
        model, {key: value for key, value in vals.items() if key.startswith("kam_")}
    )


class KamOwnFieldsGuardMixin(models.AbstractModel):
    """The input checks on the ``kam_*`` fields of a model of Odoo's."""

    _name = "kam.own.fields.guard.mixin"
    _description = "Key Account Fields Guard"

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            check_kam_values(self, vals)
        return super().create(vals_list)

    def write(self, vals):
        check_kam_values(self, vals)
        return super().write(vals)


class KamRecordError(UserError, ValueError):
    """Records that a method cannot work on: too many, none, or ids that are
    no ids. A ``ValueError`` too, as Odoo's own ``ensure_one`` raises."""


def _record_label(model):
    # sudo: the model's name in the user's language, whatever their rights.
    return model.env["ir.model"].sudo()._get(model._name).name or model._name


class KamGuardMixin(models.AbstractModel):
    _name = "kam.guard.mixin"
    _description = "Key Account Record Guard"

    # Fields whose change moves the record elsewhere: the record rules are
    # checked again on the result of such a write.
    _kam_recheck_fields = ("company_id",)
    # Fields only the addon's own code writes (with superuser rights).
    _kam_system_fields = ()

    def _kam_get_system_fields(self):
        """Fields only the addon writes; extensions add theirs.

        Besides the declared ones, every stored computed field that users
        cannot edit (no inverse, read-only): related copies of the account's
        company or customer, computed states and counters.
        """
        computed = {
            name
            for name, field in self._fields.items()
            if field.compute and field.store and field.readonly and not field.inverse
        }
        return set(self._kam_system_fields) | computed

    def _kam_check_system_fields(self, fnames):
        if self.env.su:
            return
        forbidden = self._kam_get_system_fields().intersection(fnames)
        if forbidden:
            raise AccessError(
                self.env._(
                    "These fields are set by the application and cannot be "
                    "changed by hand: %(fields)s.",
                    fields=", ".join(
                        sorted(_field_label(self, fname) for fname in forbidden)
                    ),
                )
            )

    def browse(self, ids=None):
        records = super().browse(ids)
        # Ids sent over RPC are the caller's: "x" or 1.5 would otherwise
        # reach PostgreSQL and end in a traceback. (None stands for "no
        # record" in Odoo's own cache, which browses it.)
        for record_id in records._ids:
            if record_id is None:
                continue
            if isinstance(record_id, bool) or not isinstance(
                record_id, numbers.Integral | NewId
            ):
                raise KamRecordError(
                    self.env._(
                        "%(value)s is not the id of a record of %(model)s.",
                        value=repr(record_id)[:40],
                        model=_record_label(self),
                    )
                )
        return records

    def ensure_one(self):
        if len(self._ids) != 1:
            raise KamRecordError(
                self.env._(
                    "This works on one record of %(model)s at a time; %(count)s "
                    "were given.",
                    model=_record_label(self),
                    count=len(self._ids),
                )
            )
        return self

    @api.model_create_multi
    def create(self, vals_list):
        system = self._kam_get_system_fields()
        for vals in vals_list:
            # A form sends the defaults it was given (a new plan is a draft):
            # only other values are refused.
            given = system.intersection(vals)
            defaults = self.default_get(list(given)) if given else {}
            self._kam_check_system_fields(
                [f for f in given if vals[f] != defaults.get(f, False)]
            )
            check_input_values(self, vals)
        # Odoo checks the record rules of created records on the result.
        return super().create(vals_list)

    def write(self, vals):
        self._kam_check_system_fields(vals)
        check_input_values(self, vals)
        res = super().write(vals)
        if not self.env.su and set(self._kam_recheck_fields).intersection(vals):
            # Rules were checked on the records as they were; check where
            # the write has put them.
            self.check_access("write")
        return res

    def onchange(self, values, field_names, fields_spec):
        if not self.env.su:
            # The same rights as saving; onchange itself checks none.
            self.check_access("write" if self.ids else "create")
            self._kam_check_readable(values)
        return super().onchange(values, field_names, fields_spec)

    def _kam_check_readable(self, values):
        """Every record given to onchange must be readable by the user."""
        for fname, value in values.items():
            field = self._fields.get(fname)
            if field is None or field.type != "many2one":
                continue
            record_id = value.get("id") if isinstance(value, dict) else value
            if isinstance(record_id, int) and record_id:
                self.env[field.comodel_name].browse(record_id).check_access("read")
