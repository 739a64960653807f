"""What differs between the Odoo series the addons run on (18.0 and 19.0).

The one place that knows the series: the addons' code calls these names and
never tests a version itself. A difference found in a new series gets a name
here, with both behaviours and the series that changed it.
"""

from odoo import models, release

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
