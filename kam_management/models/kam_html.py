"""HTML that renders without fetching anything: what users typed, made inert.

wkhtmltopdf loads every resource a page refers to (images, frames, styles,
fonts, scripts) from wherever it points, with the printing user's session,
and runs the page's scripts. HTML typed by users and printed would make the
server request any address it names (server-side request forgery), inside
the company's network too. :func:`strip_external_resources` keeps the text
and its formatting and removes every reference to a resource outside the
document. Pure Python (lxml), no ORM: the models and the reports call it.

Elements and attributes are kept from allow lists (anything unknown goes),
then serialized again, so that what is kept is what a browser reads:

- elements that load, embed or run something (script, style, link, meta,
  base, iframe, frame, object, embed, applet, video, audio, source, track,
  svg, math, template, noscript...) are removed with their content; other
  unknown elements are replaced by their content;
- attributes that name a resource (src, srcset, poster, background, data,
  xlink:href, action, ping...) and event handlers (``on*``) are removed; an
  image keeps its ``src`` only as an inline ``data:`` raster image (PNG,
  JPEG, GIF, WebP, BMP; SVG may refer to other files) or as the caller's
  ``image_src`` hook decides; an image left without one is removed;
- links keep their ``href`` (wkhtmltopdf does not follow links) unless its
  scheme is another than http, https, mailto or tel (``javascript:``...);
- inline styles keep the declarations that call no CSS function but colours,
  gradients, sizes and transforms: ``url()``, ``image-set()``,
  ``expression()``, ``@import`` and escaped forms of them are dropped;
- comments and processing instructions are removed.
"""

import re

from lxml import etree
from lxml import html as lxml_html
from markupsafe import Markup, escape

# Elements that load, embed or run something: removed with their content.
DROPPED_TAGS = frozenset(
    {
        "applet",
        "audio",
        "base",
        "basefont",
        "bgsound",
        "canvas",
        "embed",
        "frame",
        "frameset",
        "head",
        "iframe",
        "link",
        "math",
        "meta",
        "noembed",
        "noframes",
        "noscript",
        "object",
        "param",
        "plaintext",
        "portal",
        "script",
        "source",
        "style",
        "svg",
        "template",
        "title",
        "track",
        "video",
        "xml",
        "xmp",
    }
)
# Of those, the ones without content in HTML: lxml's parser may wrap what
# follows them in them, which is kept (cleaned) when they are removed.
VOID_DROPPED_TAGS = frozenset(
    {
        "base",
        "basefont",
        "bgsound",
        "embed",
        "frame",
        "keygen",
        "link",
        "meta",
        "param",
        "source",
        "track",
    }
)
# Elements kept (with the allowed attributes only); any other element is
# replaced by its content.
ALLOWED_TAGS = frozenset(
    {
        "a",
        "abbr",
        "address",
        "article",
        "aside",
        "b",
        "bdi",
        "bdo",
        "big",
        "blockquote",
        "br",
        "caption",
        "center",
        "cite",
        "code",
        "col",
        "colgroup",
        "dd",
        "del",
        "details",
        "dfn",
        "div",
        "dl",
        "dt",
        "em",
        "figcaption",
        "figure",
        "font",
        "footer",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "i",
        "img",
        "ins",
        "kbd",
        "label",
        "li",
        "main",
        "mark",
        "nav",
        "ol",
        "p",
        "pre",
        "q",
        "s",
        "samp",
        "section",
        "small",
        "span",
        "strike",
        "strong",
        "sub",
        "summary",
        "sup",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "time",
        "tr",
        "tt",
        "u",
        "ul",
        "var",
        "wbr",
    }
)
# Attributes that never name a resource, on any kept element.
ALLOWED_ATTRIBUTES = frozenset(
    {
        "align",
        "alt",
        "bgcolor",
        "border",
        "cellpadding",
        "cellspacing",
        "class",
        "color",
        "colspan",
        "datetime",
        "dir",
        "face",
        "headers",
        "height",
        "id",
        "lang",
        "name",
        "nowrap",
        "reversed",
        "role",
        "rowspan",
        "scope",
        "size",
        "span",
        "start",
        "style",
        "target",
        "title",
        "type",
        "valign",
        "value",
        "width",
    }
)
# The editor's marks (data-oe-*) and aria-* attributes are kept too; other
# data-* attributes are left out (scripts load what some of them name).
PREFIXED_ATTRIBUTE = re.compile(r"^(data-oe|aria)-[a-z0-9_.-]+$")
LINK_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
# CSS functions that draw without loading anything (vendor prefixes aside).
CSS_FUNCTIONS = frozenset(
    {
        "",  # a bare parenthesis inside calc()
        "calc",
        "clamp",
        "color",
        "conic-gradient",
        "cubic-bezier",
        "hsl",
        "hsla",
        "hwb",
        "lab",
        "lch",
        "linear-gradient",
        "matrix",
        "max",
        "min",
        "radial-gradient",
        "repeating-conic-gradient",
        "repeating-linear-gradient",
        "repeating-radial-gradient",
        "rgb",
        "rgba",
        "rotate",
        "scale",
        "scalex",
        "scaley",
        "skew",
        "skewx",
        "skewy",
        "steps",
        "translate",
        "translatex",
        "translatey",
        "var",
    }
)
CSS_VENDOR_PREFIX = re.compile(r"^-(webkit|moz|ms|o)-")
CSS_FUNCTION_CALL = re.compile(r"([a-z0-9_-]*)\(")
CSS_COMMENT = re.compile(r"/\*.*?(?:\*/|$)", re.S)
# Inline raster images; SVG is left out (it may refer to other files).
DATA_IMAGE = re.compile(
    r"^data:image/(?:png|jpeg|jpg|gif|webp|bmp);base64,[a-z0-9+/=\s]+$", re.I
)
# Characters browsers ignore or that lxml cannot hold.
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
URL_IGNORED_CHARS = re.compile(r"[\x00-\x20\x7f]+")
URL_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*):")
# An image uploaded to this database by the HTML editor.
OWN_IMAGE = re.compile(r"^/web/image/(\d+)(?:-[0-9a-zA-Z]+)?(?:/[^?#\s]*)?(?:\?.*)?$")


def own_image_id(src):
    """The attachment id of an image uploaded to this database by the HTML
    editor (``/web/image/<id>[-<token>][/<name>]``), or None."""
    match = OWN_IMAGE.match((src or "").strip())
    return int(match.group(1)) if match else None


def keep_own_image(src):
    """``image_src`` hook that keeps the editor's uploaded images as they are.

    They are relative addresses of this database's own images, shown by the
    browser in forms; the reports replace them with inline copies (see
    :func:`strip_external_resources`'s ``image_src``) and fetch nothing.
    """
    return src.strip() if own_image_id(src) is not None else None


def is_inline_image(src):
    """Whether ``src`` is an inline raster image (a ``data:`` URI)."""
    return bool(DATA_IMAGE.match(src or ""))


def _remove(node):
    """Remove ``node`` and its content, keeping the text that follows it."""
    parent = node.getparent()
    if node.tail:
        previous = node.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + node.tail
        else:
            parent.text = (parent.text or "") + node.tail
    parent.remove(node)


def _unwrap(node):
    """Replace ``node`` by its content."""
    parent = node.getparent()
    index = parent.index(node)
    previous = node.getprevious()
    text = node.text or ""
    if previous is not None:
        previous.tail = (previous.tail or "") + text
    else:
        parent.text = (parent.text or "") + text
    children = list(node)
    for offset, child in enumerate(children):
        parent.insert(index + offset, child)
    if node.tail:
        if children:
            children[-1].tail = (children[-1].tail or "") + node.tail
        else:
            before = node.getprevious()
            if before is not None:
                before.tail = (before.tail or "") + node.tail
            else:
                parent.text = (parent.text or "") + node.tail
    parent.remove(node)


def _css_text(declaration):
    """A declaration as the browser reads it, for the checks: comments out,
    escapes decoded, blanks removed, lower case."""
    text = CSS_COMMENT.sub("", declaration)
    text = re.sub(
        r"\\([0-9a-fA-F]{1,6})\s?",
        lambda m: chr(int(m.group(1), 16)) if int(m.group(1), 16) < 0x110000 else "",
        text,
    )
    text = re.sub(r"\\(.)", r"\1", text, flags=re.S)
    return URL_IGNORED_CHARS.sub("", text).lower()


def clean_style(style):
    """The declarations of an inline style that load nothing."""
    kept = []
    for declaration in (style or "").split(";"):
        if not declaration.strip():
            continue
        if "\\" in declaration or "@" in declaration:
            continue  # escapes and at-rules have no place in a typed style
        text = _css_text(declaration)
        if ":" not in text:
            continue
        functions = {
            CSS_VENDOR_PREFIX.sub("", name) for name in CSS_FUNCTION_CALL.findall(text)
        }
        if not functions <= CSS_FUNCTIONS:
            continue
        if "behavior" in text or "binding" in text:
            continue
        kept.append(declaration.strip())
    return "; ".join(kept)


def _safe_link(href):
    url = URL_IGNORED_CHARS.sub("", href or "").lower()
    match = URL_SCHEME.match(url)
    return not match or match.group(1) in LINK_SCHEMES


def _clean_attributes(node, tag, image_src):
    for name in list(node.attrib):
        value = node.attrib[name]
        lname = name.lower()
        if tag == "a" and lname == "href":
            if not _safe_link(value):
                del node.attrib[name]
        elif tag == "img" and lname == "src":
            src = value if is_inline_image(value) else None
            if src is None and image_src:
                src = image_src(value)
            if src:
                node.attrib[name] = src
            else:
                del node.attrib[name]
        elif lname == "style":
            style = clean_style(value)
            if style:
                node.attrib[name] = style
            else:
                del node.attrib[name]
        elif lname not in ALLOWED_ATTRIBUTES and not PREFIXED_ATTRIBUTE.match(lname):
            del node.attrib[name]


def _clean_children(element, image_src):
    for child in list(element):
        if not isinstance(child.tag, str):
            _remove(child)  # comment, processing instruction, entity
            continue
        tag = child.tag.lower()
        if tag in VOID_DROPPED_TAGS:
            _clean_children(child, image_src)
            _unwrap(child)
            continue
        if tag in DROPPED_TAGS:
            _remove(child)
            continue
        _clean_children(child, image_src)
        if tag not in ALLOWED_TAGS:
            _unwrap(child)
            continue
        _clean_attributes(child, tag, image_src)
        if tag == "img" and not child.get("src"):
            _remove(child)


def strip_external_resources(html, image_src=None):
    """``html`` without any reference to a resource outside the document.

    :param html: HTML text (user input, possibly hostile); empty gives ``""``
    :param image_src: optional ``image_src(src) -> str | None`` called for
        each image whose ``src`` is not an inline raster image: the ``src``
        to keep instead (the caller vouches for it, e.g. an inline copy of an
        image of the database the user may read) or None to remove the image
    :return: the cleaned HTML as :class:`~markupsafe.Markup`
    """
    if not html:
        return Markup("")
    if isinstance(html, bytes):
        html = html.decode("utf-8", "replace")
    text = CONTROL_CHARS.sub("", str(html))
    if not text.strip():
        return Markup("")
    try:
        root = lxml_html.fragment_fromstring(text, create_parent="div")
    except (etree.ParserError, ValueError):
        return Markup(escape(text))
    _clean_children(root, image_src)
    root.attrib.clear()
    result = etree.tostring(root, encoding="unicode", method="html")
    # Without the wrapping <div> and </div>.
    return Markup(result[len("<div>") : -len("</div>")])


def clean_html_values(vals, fnames, image_src=keep_own_image):
    """A copy of ``vals`` with the HTML of ``fnames`` cleaned (for storing).

    Values that are no text, or hold a NUL character, are left as they are
    for the model's input checks to refuse (see kam_guard).
    """
    cleaned = dict(vals)
    for fname in fnames:
        value = cleaned.get(fname)
        if value and isinstance(value, str) and "\x00" not in value:
            cleaned[fname] = strip_external_resources(value, image_src)
    return cleaned
