"""What the QWeb PDF reports share: their language, layout and safe HTML.

Each report's values are read with the printing user's rights by its own
model (``report_kam_*.py``).
"""

import base64
import functools
import subprocess

from odoo.addons.kam_management.models.kam_html import (
    own_image_id,
    strip_external_resources,
)
from odoo.exceptions import AccessError, MissingError
from odoo.tools.misc import find_in_path

# Objectives shown to the customer: our margin and our estimate of the
# customer's total spend (share of wallet) stay internal.
CUSTOMER_KPIS = ("revenue", "satisfaction", "custom")
RECENT_MOVEMENTS = 5


# Page top margin (mm) when the header is part of the page body.
INLINE_MARGIN_TOP = 12
# Images of the database a report copies into the page (no SVG: it may refer
# to other files), up to this size each.
INLINE_IMAGE_TYPES = ("image/png", "image/jpeg", "image/gif", "image/webp", "image/bmp")
INLINE_IMAGE_MAX_BYTES = 10 * 1024 * 1024


def _report_lang(env):
    """The language the report is written in: the printing user's."""
    return env.context.get("lang") or env.user.lang or "en_US"


@functools.cache
def wkhtmltopdf_has_patched_qt():
    """Whether wkhtmltopdf draws separate headers and footers.

    Only builds "with patched qt" do; others (such as the Debian package)
    ignore ``--header-html`` and ``--footer-html`` and fail on several
    documents at once.
    """
    binary = find_in_path("wkhtmltopdf")
    if not binary:
        return False
    try:
        out = subprocess.run(
            [binary, "--version"],
            capture_output=True,
            check=False,
            timeout=30,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return False
    return b"patched qt" in out


def _doc_ids(docids, data):
    """The records to print: given, or passed in ``data`` for one document."""
    return docids or (data or {}).get("kam_res_ids") or []


def _inline_image(env, src):
    """An image uploaded by the HTML editor (``/web/image/<id>...``) as an
    inline ``data:`` URI, read with the printing user's rights; None for any
    other address, or an image the user may not read."""
    attachment_id = own_image_id(src)
    if attachment_id is None:
        return None
    attachment = env["ir.attachment"].browse(attachment_id)
    try:
        # The attachment's own check: readable as the record it belongs to.
        attachment.check("read")
        if (
            attachment.type != "binary"
            or attachment.mimetype not in INLINE_IMAGE_TYPES
            or attachment.file_size > INLINE_IMAGE_MAX_BYTES
        ):
            return None
        raw = attachment.raw
    except (AccessError, MissingError):
        return None
    if not raw:
        return None
    return f"data:{attachment.mimetype};base64,{base64.b64encode(raw).decode()}"


def _html_values(env):
    """``kam_safe_html(value)`` for the templates: HTML typed by users (the
    plan's fields, the company's header and footer), without any reference
    wkhtmltopdf would fetch; the editor's images of the database are copied
    into the page instead."""

    def kam_safe_html(value):
        return strip_external_resources(
            value, image_src=lambda src: _inline_image(env, src)
        )

    return {"kam_safe_html": kam_safe_html}


def _option(data, key, default):
    """An option of the report's data, or ``default`` when not given (any
    other value, even 0, is the caller's to check)."""
    value = data.get(key)
    if value is None or value is False or value == "":
        return default
    return value


def _layout_values(data):
    """How the reports lay out their pages, for this rendering.

    With a wkhtmltopdf without patched qt, a PDF is one document (every
    record in one body, separated by page breaks) and the company header and
    footer are drawn in the body of each record; otherwise Odoo's
    ``web.external_layout`` is used as is.
    """
    inline = (data or {}).get("report_type") == "pdf" and not (
        wkhtmltopdf_has_patched_qt()
    )
    if not inline:
        return {"kam_inline_layout": False}
    return {
        "kam_inline_layout": True,
        "data_report_margin_top": INLINE_MARGIN_TOP,
        "data_report_header_spacing": 0,
    }
