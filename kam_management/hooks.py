import logging

from odoo.tools import mute_logger

_logger = logging.getLogger(__name__)

# Demo records that business documents may refer to: the demo posts invoices
# for its customers and products, and posted journal entries are never deleted.
_SHARED_DEMO_MODELS = ("res.partner", "product.product", "product.template")


def uninstall_hook(env):
    """Remove what would keep the addon's own data from being deleted.

    The activities of the addon's activity types (alerts, plan reviews and
    approvals, expiring agreements) go with the addon: the types could not
    be deleted while activities refer to them. Then the demo customers and
    products, see :func:`_detach_shared_demo`.
    """
    types = env["ir.model.data"].search(
        [("module", "=", "kam_management"), ("model", "=", "mail.activity.type")]
    )
    env["mail.activity"].with_context(active_test=False).search(
        [("activity_type_id", "in", types.mapped("res_id"))]
    ).unlink()
    _detach_shared_demo(env)


def _detach_shared_demo(env):
    """Delete the addon's demo customers and products, or keep them as data.

    Odoo deletes the records of an uninstalled module, and logs a failed SQL
    query for each one that other data still refers to. The demo's customers
    and products have posted invoices, which are never deleted: those are
    detached from the addon (their external ids removed) and stay as ordinary
    customers and products; the others are deleted here.
    """
    imd = env["ir.model.data"]
    for model in _SHARED_DEMO_MODELS:
        data = imd.search([("module", "=", "kam_management"), ("model", "=", model)])
        kept = imd
        for xmlid in data:
            record = env[model].browse(xmlid.res_id).exists()
            if not record:
                continue
            try:
                with env.cr.savepoint(), mute_logger("odoo.sql_db"):
                    record.unlink()
            except Exception:  # noqa: BLE001 (a reference keeps it: any error)
                kept |= xmlid
        if kept:
            _logger.info(
                "Kept %s demo %s records that other data refers to", len(kept), model
            )
            kept.unlink()
