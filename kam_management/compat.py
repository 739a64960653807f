"""What differs between the Odoo series the addons run on (18.0 and 19.0).

The one place that knows the series: the addons' code calls these names and
never tests a version itself. A difference found in a new series gets a name
here, with both behaviours and the series that changed it.
"""

import inspect

from odoo import api, models, release
from odoo.tools import sql

#: The running series, as ``(major, minor)``: ``(18, 0)`` or ``(19, 0)``.
SERIES = tuple(release.version_info[:2])

try:  # 19.0: domains are objects of odoo.fields.Domain
    from odoo.fields import Domain
except ImportError:  # 18.0
    Domain = None

if Domain is None:
    from odoo.osv import expression

#: 19.0 declares SQL constraints as ``models.Constraint`` attributes and
#: ignores ``_sql_constraints`` (with a warning); 18.0 knows only the latter.
Constraint = getattr(models, "Constraint", None)

#: The field of a user's groups (``res.users``), and of an action's, a
#: menu's, a view's or a report's groups: ``groups_id`` on 18.0,
#: ``group_ids`` on 19.0.
GROUPS_FIELD = "groups_id" if SERIES < (19, 0) else "group_ids"


def domain_or(domains):
    """The union of ``domains`` (a list of domains)."""
    if Domain is None:
        return expression.OR(domains)
    return Domain.OR(domains)


def domain_and(domains):
    """The intersection of ``domains`` (a list of domains)."""
    if Domain is None:
        return expression.AND(domains)
    return Domain.AND(domains)


def create_unique_index(cr, indexname, tablename, expressions):
    """Create the unique index ``indexname`` on ``expressions`` of
    ``tablename`` unless it exists (18.0's ``create_unique_index``; 19.0
    deprecates it for ``create_index(..., unique=True)``, which 18.0's
    ``create_index`` does not take)."""
    if "unique" in inspect.signature(sql.create_index).parameters:
        return sql.create_index(cr, indexname, tablename, expressions, unique=True)
    return sql.create_unique_index(cr, indexname, tablename, expressions)


def group_users(group):
    """The users of ``group``, those who have it through another group
    included (18.0's ``users``; 19.0's ``users`` keeps only the members set on
    the group itself, ``all_user_ids`` has them all)."""
    if "all_user_ids" in group._fields:
        return group.all_user_ids
    return group.users


def sql_constraints(*constraints):
    """Class decorator declaring a model's SQL constraints on either series.

    ``@sql_constraints(("name_uniq", "UNIQUE(name)", "The name is taken."))``
    gives ``_sql_constraints`` on 18.0 and a ``models.Constraint`` attribute
    ``_name_uniq`` on 19.0: the same constraint in the database, named
    ``<table>_<name>``, with the same message.
    """

    def decorate(cls):
        if Constraint is None:
            cls._sql_constraints = [
                *cls.__dict__.get("_sql_constraints", ()),
                *constraints,
            ]
            return cls
        for name, definition, message in constraints:
            table_object = Constraint(definition, message)
            setattr(cls, f"_{name}", table_object)
            table_object.__set_name__(cls, f"_{name}")
        return cls

    return decorate


#: The web client's grouped reads (list, graph and pivot views): ``read_group``
#: on 18.0; ``formatted_read_group`` and ``formatted_read_grouping_sets`` on
#: 19.0 (which keeps ``read_group`` for other callers, deprecated).
FORMATTED_READ_GROUP = SERIES >= (19, 0)


def group_figures(method, fnames):
    """Class decorator: the model computes the figures ``fnames`` of a group
    itself, instead of the database's aggregate of its records.

    ``model.<method>(domain, group_domains)`` gets the read's domain and the
    full domain of each group, and returns one ``{field name: value}`` per
    group. The decorator overrides the grouped reads of the series (18.0:
    ``read_group``, whose groups carry ``__domain`` and the field names;
    19.0: also ``formatted_read_group`` and ``formatted_read_grouping_sets``,
    whose groups carry ``__extra_domain`` and ``<field>:<aggregate>`` keys).
    """
    fnames = frozenset(fnames)

    def decorate(cls):
        def read_group(
            self,
            domain,
            fields,
            groupby,
            offset=0,
            limit=None,
            orderby=False,
            lazy=True,
        ):
            groups = super(cls, self).read_group(
                domain,
                fields,
                groupby,
                offset=offset,
                limit=limit,
                orderby=orderby,
                lazy=lazy,
            )
            keys = {spec: spec.split(":")[0] for spec in fields}
            keys = {fname: fname for fname in keys.values() if fname in fnames}
            if groups and keys:
                domains = [group.get("__domain", domain) for group in groups]
                _put_figures(self, method, domain, groups, domains, keys)
            return groups

        cls.read_group = api.model(read_group)
        if not FORMATTED_READ_GROUP:
            return cls

        def formatted_read_group(
            self,
            domain,
            groupby=(),
            aggregates=(),
            having=(),
            offset=0,
            limit=None,
            order=None,
        ):
            groups = super(cls, self).formatted_read_group(
                domain,
                groupby,
                aggregates,
                having=having,
                offset=offset,
                limit=limit,
                order=order,
            )
            _put_formatted_figures(self, method, fnames, domain, aggregates, groups)
            return groups

        def formatted_read_grouping_sets(
            self, domain, grouping_sets, aggregates=(), *, order=None
        ):
            groups_list = super(cls, self).formatted_read_grouping_sets(
                domain, grouping_sets, aggregates, order=order
            )
            for groups in groups_list:
                _put_formatted_figures(self, method, fnames, domain, aggregates, groups)
            return groups_list

        cls.formatted_read_group = api.model(api.readonly(formatted_read_group))
        cls.formatted_read_grouping_sets = api.model(
            api.readonly(formatted_read_grouping_sets)
        )
        return cls

    return decorate


def _put_formatted_figures(model, method, fnames, domain, aggregates, groups):
    keys = {spec: spec.split(":")[0] for spec in aggregates}
    keys = {spec: fname for spec, fname in keys.items() if fname in fnames}
    if groups and keys:
        domains = [
            domain_and([domain, group.get("__extra_domain", [])]) for group in groups
        ]
        _put_figures(model, method, domain, groups, domains, keys)


def _put_figures(model, method, domain, groups, domains, keys):
    for group, figures in zip(
        groups, getattr(model, method)(domain, domains), strict=True
    ):
        group.update({key: figures[fname] for key, fname in keys.items()})


# ----------------------------------------------------------------------
# What the tests call the way each series does
# ----------------------------------------------------------------------
#: The taxes of a sale order line: ``tax_id`` on 18.0, ``tax_ids`` on 19.0.
SALE_LINE_TAXES_FIELD = "tax_id" if SERIES < (19, 0) else "tax_ids"

#: The HTTP status of a route that raises a UserError (or ValidationError):
#: 400 Bad Request on 18.0, 422 Unprocessable Entity on 19.0 (the
#: exception's ``http_status``).
USER_ERROR_HTTP_STATUS = 400 if SERIES < (19, 0) else 422


def web_read_group(model, domain, groupby):
    """The groups the web client reads for a grouped kanban or list (with
    their counts), as a list of dicts keyed by the ``groupby`` fields; the
    empty columns a field's ``group_expand`` adds included.

    18.0's ``web_read_group(domain, fields, groupby)`` reads the fields as
    ``read_group`` and always expands; 19.0's ``web_read_group(domain,
    groupby, aggregates)`` wants the aggregates spelled (``__count`` here) and
    expands when the context says ``read_group_expand``, as the web client's
    grouped views do.
    """
    if SERIES < (19, 0):
        return model.web_read_group(domain, list(groupby), list(groupby))["groups"]
    return model.with_context(read_group_expand=True).web_read_group(
        domain, list(groupby), aggregates=["__count"]
    )["groups"]


def hierarchy_read(model, domain, fnames, parent_field, child_field=None):
    """What the hierarchy view reads: the records of ``domain`` with their
    parents and children, each a dict of ``fnames`` (relations as lists of
    ids), ``parent_field`` included.

    18.0's ``hierarchy_read`` takes a list of field names (``read``); 19.0's
    takes a ``web_read`` specification (a dict of field names).
    """
    if SERIES < (19, 0):
        return model.hierarchy_read(domain, list(fnames), parent_field, child_field)
    specification = {fname: {} for fname in fnames}
    return model.hierarchy_read(domain, specification, parent_field, child_field)


def trigger_cron(case, cron):
    """Run the scheduled action ``cron`` now, from the test ``case``, as the
    scheduler would; the test reads what it wrote.

    18.0's ``method_direct_trigger`` runs the job in the caller's transaction.
    19.0's runs it in a cursor of its own, which must be the test's (the
    registry's test mode, which an HttpCase is in already): otherwise the job
    would not see the test's records and would commit to the database.
    """
    if SERIES < (19, 0) or type(case)._registry_patched:
        return cron.method_direct_trigger()
    with case.enter_registry_test_mode():
        return cron.method_direct_trigger()


def cron_progress(env, done, remaining):
    """Report a batch cron job's progress and commit it.

    Called from a scheduled action's method (``env``'s context holds the job's
    progress record); elsewhere it only commits. 19.0's ``_commit_progress``
    adds the records processed to the job's total; 18.0's
    ``_notify_progress`` sets it, then the transaction is committed here.
    """
    cron = env["ir.cron"].browse(env.context.get("cron_id"))
    if SERIES >= (19, 0):
        if env.context.get("ir_cron_progress_id"):
            cron._commit_progress(done, remaining=remaining)
        else:
            env.cr.commit()  # pylint: disable=invalid-commit
        return
    cron._notify_progress(done=done, remaining=remaining)
    env.cr.commit()  # pylint: disable=invalid-commit
