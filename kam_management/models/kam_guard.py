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

import math

from odoo import api, models
from odoo.exceptions import AccessError, ValidationError

from .kam_format import format_number

# Longest text a one-line field keeps (btree indexes break at ~2,700 bytes);
# multi-line texts stay printable in reports.
CHAR_MAX = 512
TEXT_MAX = 100_000
INT_MAX = 2**31 - 1
FLOAT_MAX = 1e15


def _field_label(model, fname):
    field = model._fields[fname]
    return field._description_string(model.env)


def is_internal_user_of(user, company):
    """Whether ``user`` may work for ``company``: an internal user of it."""
    # sudo: the companies of another user are not always readable.
    user = user.sudo()
    return not user.share and company in user.company_ids


def check_input_values(model, vals):
    """Refuse values that the database or the reports cannot hold.

    :raise ValidationError: with the field's label in the user's language
    """
    env = model.env
    for fname, value in vals.items():
        field = model._fields.get(fname)
        if field is None or value is None or value is False:
            continue
        ftype = field.type
        if ftype in ("char", "text", "html") and isinstance(value, str):
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
            if isinstance(value, float) and (
                not math.isfinite(value) or not value.is_integer()
            ):
                raise ValidationError(
                    env._(
                        "%(field)s must be a whole number (got %(value)s).",
                        field=_field_label(model, fname),
                        value=format_number(env, value),
                    )
                )
            if isinstance(value, int | float) and abs(value) > INT_MAX:
                raise ValidationError(
                    env._(
                        "%(field)s is out of range (got %(value)s).",
                        field=_field_label(model, fname),
                        value=value,
                    )
                )
        elif ftype in ("float", "monetary") and isinstance(value, int | float):
            if not math.isfinite(value) or abs(value) > FLOAT_MAX:
                raise ValidationError(
                    env._(
                        "%(field)s is out of range (got %(value)s).",
                        field=_field_label(model, fname),
                        value=value,
                    )
                )
        elif ftype in ("date", "datetime") and isinstance(value, str):
            try:
                field.convert_to_cache(value, model)
            except (ValueError, TypeError):
                raise ValidationError(
                    env._(
                        "%(field)s: %(value)s is not a valid date.",
                        field=_field_label(model, fname),
                        value=value[:40],
                    )
                ) from None
        elif ftype == "selection" and isinstance(value, str):
            allowed = field.get_values(env)
            if value not in allowed:
                raise ValidationError(
                    env._(
                        "%(field)s: %(value)s is not one of the choices.",
                        field=_field_label(model, fname),
                        value=value[:40],
                    )
                )


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
