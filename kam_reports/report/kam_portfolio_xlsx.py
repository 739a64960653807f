"""The portfolio workbook: one report_xlsx report, seven sheets.

Every table is written by one writer (:meth:`KamPortfolioXlsx._write_table`)
from a list of column specifications (:class:`Column`: header, width,
format, value and total); each sheet is its specification and a few lines.
The figures are those of ``kam.portfolio.data`` (its class says what each
one is), the quadrants and the scorecard areas the engine's.

xlsxwriter runs in constant-memory mode: every sheet is written row after
row, top to bottom (a row once left is on disk), so memory does not grow
with the number of customers. Side tables (the chart helpers) are written in
the same rows as the data beside them.
"""

from collections.abc import Callable
from dataclasses import dataclass, replace
from itertools import zip_longest
from typing import Any

from odoo import models
from odoo.addons.kam_management.kam_scoring import AREAS, QUADRANTS
from odoo.addons.kam_management.models.kam_format import format_number
from odoo.exceptions import UserError

# Customers drawn in the Pareto chart (the sheet lists them all).
PARETO_CHART_POINTS = 100
QUADRANT_COLOURS = dict(
    zip(QUADRANTS, ("#2E7D32", "#1565C0", "#F9A825", "#8E8E8E"), strict=True)
)
# 0-based row of each sheet's table header (title, period, note, header).
HEADER_ROW = 3
# The Summary's figures, in their rows' order below its header.
SUMMARY_FIGURES = (
    "customers",
    "key_accounts",
    "portfolio_revenue",
    "company_revenue",
    "key_revenue",
    "key_share",
)
# A column total: the SUM of the column's cells.
SUM = object()
_NO_ROW = object()


@dataclass(frozen=True)
class Formula:
    """A formula with its computed value. ``{r}`` is replaced by the row's
    own number, ``{first}``, ``{last}`` and ``{total}`` by the table's first
    and last data rows and its total row (Excel's 1-based numbers)."""

    text: str
    value: Any


@dataclass(frozen=True)
class Column:
    """One column of a table.

    :param value: the cell of a row: ``row -> value or Formula``
    :param fmt: a format's name, or ``row -> name``
    :param width: the column's width (``None``: left as it is)
    :param total: the total row's cell: ``None`` (blank), :data:`SUM`, a
        callable ``rows -> value or Formula``, or a value (a label)
    :param key: a name to find the column by
    """

    header: str
    value: Callable[[Any], Any]
    fmt: str | Callable[[Any], str] = "text"
    width: float | None = None
    total: Any = None
    key: str | None = None


def _col(index):
    """Excel column letters of a 0-based column index."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _excel_date_format(strftime):
    """The Excel number format of a strftime date format (the user's language)."""
    mapping = {
        "%d": "dd",
        "%m": "mm",
        "%Y": "yyyy",
        "%y": "yy",
        "%b": "mmm",
        "%B": "mmmm",
        "%a": "ddd",
        "%A": "dddd",
        "%e": "d",
    }
    result = strftime or "%Y-%m-%d"
    for code, excel in mapping.items():
        result = result.replace(code, excel)
    return result


def _share(part, whole):
    return part / whole if whole else 0.0


class _Sheet:
    """A worksheet written top to bottom (constant-memory mode)."""

    def __init__(self, workbook, name):
        self.workbook = workbook
        self.ws = workbook.add_worksheet(name)
        self.name = name
        self.row = 0

    def ref(self, row, col, absolute=True):
        dollar = "$" if absolute else ""
        name = self.name.replace("'", "''")
        return f"'{name}'!{dollar}{_col(col)}{dollar}{row + 1}"

    def write_row(self, cells, height=None):
        """``cells``: (value, format) pairs or ``None``; a value may be a
        ``("=formula", computed_value)`` tuple."""
        for col, cell in enumerate(cells):
            if cell is None:
                continue
            value, fmt = cell
            if isinstance(value, tuple):
                self.ws.write_formula(self.row, col, value[0], fmt, value[1])
            elif value is None or value is False or value == "":
                self.ws.write_blank(self.row, col, None, fmt)
            elif hasattr(value, "year"):
                self.ws.write_datetime(self.row, col, value, fmt)
            elif isinstance(value, (int | float)) and not isinstance(value, bool):
                self.ws.write_number(self.row, col, value, fmt)
            else:
                self.ws.write_string(self.row, col, str(value), fmt)
        if height:
            self.ws.set_row(self.row, height)
        self.row += 1
        return self.row - 1

    def skip(self, rows=1):
        self.row += rows


class KamPortfolioXlsx(models.AbstractModel):
    _name = "report.kam_reports.portfolio_xlsx"
    _inherit = "report.report_xlsx.abstract"
    _description = "Key Account Portfolio Workbook"

    # ------------------------------------------------------------------
    # report_xlsx hooks
    # ------------------------------------------------------------------
    def get_workbook_options(self):
        # Rows go to temporary files as they are written: memory stays flat
        # in the number of rows. Every sheet below is written in row order.
        return {"constant_memory": True, "strings_to_numbers": False}

    def _get_objs_for_report(self, docids, data):
        wizards = super()._get_objs_for_report(docids, data)
        if not wizards:
            raise UserError(self.env._("Nothing to print: open the report's wizard."))
        return wizards

    def generate_xlsx_report(self, workbook, data, objs):
        wizard = objs[:1]
        portfolio = wizard._portfolio_data()
        self._write_workbook(workbook, portfolio)

    # ------------------------------------------------------------------
    # The workbook
    # ------------------------------------------------------------------
    def _formats(self, workbook, currency):
        lang = self.env["res.lang"]._lang_get(self.env.lang or "en_US")
        money = self._report_xlsx_currency_format(currency)
        base = {"font_size": 10, "valign": "top"}

        def fmt(**options):
            return workbook.add_format(dict(base, **options))

        header = {"bold": True, "bg_color": "#DCE6F1", "border": 1, "text_wrap": True}
        total = {"bold": True, "top": 1}
        return {
            "title": fmt(bold=True, font_size=14),
            "subtitle": fmt(italic=True, font_color="#555555"),
            "header": fmt(**header),
            "text": fmt(),
            "wrap": fmt(text_wrap=True),
            "int": fmt(num_format="#,##0"),
            "money": fmt(num_format=money),
            "pct": fmt(num_format="0.0%"),
            "score": fmt(num_format="0.0"),
            "date": fmt(num_format=_excel_date_format(lang.date_format), align="left"),
            "total": fmt(**total),
            "total_int": fmt(num_format="#,##0", **total),
            "total_money": fmt(num_format=money, **total),
            "total_pct": fmt(num_format="0.0%", **total),
            "nodata": fmt(italic=True, font_color="#9C0006", bg_color="#FFC7CE"),
        }

    def _sheet_names(self):
        return {
            "summary": self.env._("Summary"),
            "pareto": self.env._("Pareto"),
            "matrix": self.env._("Matrix"),
            "accounts": self.env._("Accounts"),
            "plans": self.env._("Plans and Objectives"),
            "opportunities": self.env._("Opportunities"),
            "kams": self.env._("KAM Portfolio"),
        }

    def _sheet_notes(self):
        """What a sheet's figures are, below its period."""
        return {
            "summary": self.env._(
                "Company revenue: every customer of the company. Portfolio "
                "revenue: the customers of the selected accounts. Shares of "
                "revenue are shares of the company revenue."
            ),
            "pareto": self.env._(
                "Class: recomputed from the period's revenue of these customers "
                "(the Accounts sheet shows the class of the last classification)."
            ),
            "accounts": self.env._(
                "Class, scores and quadrant: the last classification's, as the "
                "screens show them. Revenue and margin: the period's."
            ),
        }

    def _area_labels(self):
        """The scorecard's areas (the engine's keys), in the user's language."""
        labels = {
            "sales": self.env._("Sales"),
            "opportunities": self.env._("Opportunities"),
            "relationships": self.env._("Relationships"),
            "satisfaction": self.env._("Satisfaction"),
            "alerts": self.env._("Alerts"),
        }
        return {area: labels[area] for area in AREAS}

    def _write_workbook(self, workbook, portfolio):
        formats = self._formats(workbook, portfolio["currency"])
        names = self._sheet_names()
        notes = self._sheet_notes()
        sheets = {key: _Sheet(workbook, name) for key, name in names.items()}
        has_data = not portfolio["customers"].empty
        for key, sheet in sheets.items():
            self._write_title(sheet, portfolio, formats, notes.get(key))
            if not has_data:
                sheet.write_row(
                    [
                        (
                            self.env._(
                                "No data: no posted invoice of the selected "
                                "customers in this period."
                            ),
                            formats["nodata"],
                        )
                    ]
                )
                sheet.ws.set_column(0, 0, 60)
                continue
            getattr(self, f"_write_{key}")(sheet, portfolio, formats, sheets)

    def _write_title(self, sheet, portfolio, formats, note=None):
        company = portfolio["company"]
        sheet.write_row(
            [(f"{sheet.name} - {company.name}", formats["title"])], height=20
        )
        sheet.write_row(
            [
                (self.env._("Period"), formats["subtitle"]),
                (portfolio["date_from"], formats["date"]),
                (portfolio["date_to"], formats["date"]),
            ]
        )
        if note:
            sheet.write_row([(note, formats["subtitle"])])
        else:
            sheet.skip()

    # ------------------------------------------------------------------
    # The table writer
    # ------------------------------------------------------------------
    def _write_table(
        self,
        sheet,
        columns,
        rows,
        formats,
        *,
        freeze=None,
        header_height=30,
        autofilter=True,
        empty=None,
        empty_fmt="nodata",
        total_when_empty=False,
        side=(),
        side_rows=(),
        side_col=None,
    ):
        """Write a table: its header, one row per item of ``rows``, then its
        total row (when a column has a total and there are rows, or
        ``total_when_empty``) or else the ``empty`` message.

        :param columns: :class:`Column` specifications
        :param rows: the items (a sequence when a formula refers to
            ``{last}`` or ``{total}``; any iterable otherwise)
        :param freeze: freeze the rows down to the header and this many
            columns (``None``: no freezing)
        :param side: columns of a side table written from ``side_col`` in
            the same rows, one per item of ``side_rows``
        :return: ``(header_row, first, last)`` 0-based rows of the header and
            the first and last data rows (``last < first`` without rows)
        """
        header = [(column.header, formats["header"]) for column in columns]
        if side:
            header += [None] * (side_col - len(columns))
            header += [(column.header, formats["header"]) for column in side]
        header_row = sheet.write_row(header, height=header_height)
        if freeze is not None:
            sheet.ws.freeze_panes(header_row + 1, freeze)
        placed = [*enumerate(columns), *enumerate(side, start=side_col or 0)]
        for col, column in placed:
            if column.width is not None:
                sheet.ws.set_column(col, col, column.width)
        first = sheet.row
        size = len(rows) if hasattr(rows, "__len__") else 0
        rows_at = {
            "{first}": first + 1,
            "{last}": first + size,
            "{total}": first + size + 1,
        }

        def cell(column, item, fmt_name=None):
            value = column.value(item)
            if fmt_name is None:
                fmt_name = column.fmt(item) if callable(column.fmt) else column.fmt
            if isinstance(value, Formula):
                text = value.text.replace("{r}", str(sheet.row + 1))
                for placeholder, number in rows_at.items():
                    text = text.replace(placeholder, str(number))
                value = (text, value.value)
            return value, formats[fmt_name]

        summed = [i for i, column in enumerate(columns) if column.total is SUM]
        sums = dict.fromkeys(summed, 0)
        count = 0
        for item, side_item in zip_longest(rows, side_rows, fillvalue=_NO_ROW):
            if item is _NO_ROW:
                cells = [None] * len(columns)
            else:
                count += 1
                cells = [cell(column, item) for column in columns]
                for i in summed:
                    value = cells[i][0]
                    value = value[1] if isinstance(value, tuple) else value
                    sums[i] += value or 0
            if side_item is not _NO_ROW:
                cells += [None] * (side_col - len(columns))
                cells += [cell(column, side_item) for column in side]
            sheet.write_row(cells)
        last = first + count - 1
        has_total = any(column.total is not None for column in columns)
        if has_total and (count or total_when_empty):
            cells = []
            for i, column in enumerate(columns):
                fmt_name = column.fmt if isinstance(column.fmt, str) else "text"
                fmt_name = f"total_{fmt_name}"
                if fmt_name not in formats:
                    fmt_name = "total"
                if column.total is None:
                    cells.append(None)
                elif column.total is SUM:
                    letter = _col(i)
                    formula = f"=SUM({letter}{first + 1}:{letter}{last + 1})"
                    cells.append(((formula, sums[i]), formats[fmt_name]))
                elif callable(column.total):
                    total = column.total(rows)
                    cells.append(
                        cell(Column("", lambda _rows, t=total: t), rows, fmt_name)
                    )
                else:
                    cells.append((column.total, formats[fmt_name]))
            sheet.write_row(cells)
        elif not count and empty:
            sheet.write_row([(empty, formats[empty_fmt])])
        if count and autofilter:
            sheet.ws.autofilter(header_row, 0, last, len(columns) - 1)
        return header_row, first, last

    # ------------------------------------------------------------------
    # Summary
    # ------------------------------------------------------------------
    def _summary_cell(self, sheets, figure):
        """The Summary's cell of ``figure`` (one of :data:`SUMMARY_FIGURES`)."""
        return sheets["summary"].ref(HEADER_ROW + 1 + SUMMARY_FIGURES.index(figure), 1)

    def _write_summary(self, sheet, portfolio, formats, sheets):
        keys = portfolio["key_accounts"]
        customers = portfolio["customers"]
        sheet.ws.set_column(0, 0, 34)
        sheet.ws.set_column(1, 5, 16)
        first = HEADER_ROW + 1
        row_of = {key: first + 1 + i for i, key in enumerate(SUMMARY_FIGURES)}
        revenue_col = next(
            i
            for i, column in enumerate(self._accounts_columns())
            if column.key == "revenue"
        )
        pareto_sum = "=SUM({}:{}{})".format(
            sheets["pareto"].ref(first, 3, False), _col(3), first + len(customers)
        )
        key_sum = (
            "=SUM({}:{}{})".format(
                sheets["accounts"].ref(first, revenue_col, False),
                _col(revenue_col),
                first + len(keys),
            )
            if keys
            else "=0"
        )
        company, key = row_of["company_revenue"], row_of["key_revenue"]
        figures = {
            "customers": (self.env._("Customers invoiced"), len(customers), "int"),
            "key_accounts": (self.env._("Key accounts"), len(keys), "int"),
            "portfolio_revenue": (
                self.env._("Portfolio revenue (the selected customers)"),
                Formula(pareto_sum, portfolio["portfolio_revenue"]),
                "money",
            ),
            "company_revenue": (
                self.env._("Company revenue (all its customers)"),
                portfolio["company_revenue"],
                "money",
            ),
            "key_revenue": (
                self.env._("Revenue of the key accounts"),
                Formula(key_sum, portfolio["key_revenue"]),
                "money",
            ),
            "key_share": (
                self.env._("Key accounts' share of company revenue"),
                Formula(
                    f"=IF(B{company}=0,0,B{key}/B{company})",
                    portfolio["key_share_pct"] / 100.0,
                ),
                "pct",
            ),
        }
        self._write_table(
            sheet,
            [
                Column(self.env._("Figure"), lambda f: f[0]),
                Column(self.env._("Value"), lambda f: f[1], fmt=lambda f: f[2]),
            ],
            [figures[name] for name in SUMMARY_FIGURES],
            formats,
            freeze=0,
            autofilter=False,
        )
        sheet.skip()
        company_cell = f"$B${company}"
        for title, groups in (
            (self.env._("Quadrant"), portfolio["by_quadrant"]),
            (self.env._("KAM"), portfolio["by_kam"]),
        ):
            self._write_table(
                sheet,
                self._group_columns(title, company_cell, revenue_col=2),
                groups,
                formats,
                header_height=None,
                autofilter=False,
                total_when_empty=True,
            )
            sheet.skip()
        self._write_summary_movements(sheet, portfolio, formats)

    def _group_columns(self, title, company_cell, revenue_col):
        """Key accounts, revenue, margin and share of company revenue of the
        groups of ``kam.portfolio.data._group_rows``."""
        revenue = _col(revenue_col)
        return [
            Column(title, lambda g: g["label"], total=self.env._("Total")),
            Column(self.env._("Key accounts"), lambda g: g["count"], "int", total=SUM),
            Column(self.env._("Revenue"), lambda g: g["revenue"], "money", total=SUM),
            Column(self.env._("Margin"), lambda g: g["margin"], "money", total=SUM),
            Column(
                self.env._("Share of company revenue"),
                lambda g: Formula(
                    f"=IF({company_cell}=0,0,{revenue}{{r}}/{company_cell})",
                    g["share_pct"] / 100.0,
                ),
                "pct",
                total=SUM,
            ),
        ]

    def _write_summary_movements(self, sheet, portfolio, formats):
        sheet.write_row(
            [(self.env._("Key account movements in the period"), formats["title"])]
        )
        nominated = self.env._("Nominated")
        self._write_table(
            sheet,
            [
                Column(self.env._("Key account"), lambda m: m["account"]),
                Column(self.env._("Date"), lambda m: m["date"], "date"),
                Column(self.env._("Class before"), lambda m: m["class_from"]),
                Column(self.env._("Class after"), lambda m: m["class_to"]),
                Column(self.env._("Quadrant before"), lambda m: m["quadrant_from"]),
                Column(self.env._("Quadrant after"), lambda m: m["quadrant_to"]),
                Column(
                    self.env._("Nomination"),
                    lambda m: nominated if m["nominated"] else "",
                ),
            ],
            portfolio["movements"],
            formats,
            header_height=None,
            autofilter=False,
            empty=self.env._("No movement in the period."),
            empty_fmt="subtitle",
        )
        sheet.skip()
        sheet.write_row(
            [(self.env._("Class changes of all the customers"), formats["title"])]
        )
        self._write_table(
            sheet,
            [
                Column(
                    self.env._("Class before"),
                    lambda m: (m[0][0] or "-").upper(),
                    total=self.env._("Total"),
                ),
                Column(self.env._("Class after"), lambda m: (m[0][1] or "-").upper()),
                Column(self.env._("Changes"), lambda m: m[1], "int", total=SUM),
            ],
            sorted(portfolio["class_moves"].items()),
            formats,
            header_height=None,
            autofilter=False,
            empty=self.env._("No movement in the period."),
            empty_fmt="subtitle",
        )

    # ------------------------------------------------------------------
    # Pareto
    # ------------------------------------------------------------------
    def _write_pareto(self, sheet, portfolio, formats, sheets):
        customers = portfolio["customers"]
        line_label = self.env._(
            "Class A line (%(threshold)s%%)",
            threshold=format_number(self.env, portfolio["pareto_a"]),
        )
        columns = [
            Column(self.env._("Rank"), lambda c: int(c.rank), "int", 7),
            Column(
                self.env._("Customer"),
                lambda c: c.name,
                width=38,
                total=self.env._("Total"),
            ),
            Column(
                self.env._("Class"), lambda c: (c.pareto_class or "").upper(), width=11
            ),
            Column(self.env._("Revenue"), lambda c: c.revenue, "money", 16, SUM),
            Column(self.env._("Share"), lambda c: c.share / 100.0, "pct", 9, SUM),
            Column(
                self.env._("Cumulative share"),
                lambda c: c.cumulative / 100.0,
                "pct",
                11,
            ),
            Column(self.env._("Margin"), lambda c: c.margin, "money", 16, SUM),
            Column(
                self.env._("Invoices"), lambda c: int(c.invoice_count), "int", 9, SUM
            ),
        ]
        rows = customers[
            [
                "rank",
                "name",
                "pareto_class",
                "revenue",
                "share",
                "cumulative",
                "margin",
                "invoice_count",
            ]
        ].itertuples(index=False, name="Customer")
        threshold = portfolio["pareto_a"] / 100.0
        _header, first, last = self._write_table(
            sheet,
            columns,
            rows,
            formats,
            freeze=0,
            side=[Column(line_label, lambda value: value, "pct", 14)],
            side_rows=[threshold] * min(len(customers), PARETO_CHART_POINTS),
            side_col=len(columns) + 1,
        )
        self._pareto_chart(
            sheet,
            first,
            min(last, first + PARETO_CHART_POINTS - 1),
            portfolio["pareto_a"],
        )

    def _pareto_chart(self, sheet, first, last, threshold_pct):
        columns = sheet.workbook.add_chart({"type": "column"})
        columns.add_series(
            {
                "name": self.env._("Revenue"),
                "categories": [sheet.name, first, 1, last, 1],
                "values": [sheet.name, first, 3, last, 3],
                "fill": {"color": "#4F81BD"},
                "gap": 30,
            }
        )
        line = sheet.workbook.add_chart({"type": "line"})
        line.add_series(
            {
                "name": self.env._("Cumulative share"),
                "categories": [sheet.name, first, 1, last, 1],
                "values": [sheet.name, first, 5, last, 5],
                "y2_axis": True,
                "line": {"color": "#C0504D", "width": 2.25},
            }
        )
        line.add_series(
            {
                "name": self.env._(
                    "Class A line (%(threshold)s%%)",
                    threshold=format_number(self.env, threshold_pct),
                ),
                "categories": [sheet.name, first, 1, last, 1],
                "values": [sheet.name, first, 9, last, 9],
                "y2_axis": True,
                "line": {"color": "#9BBB59", "dash_type": "dash", "width": 1.5},
            }
        )
        columns.combine(line)
        columns.set_title(
            {
                "name": self.env._(
                    "Pareto: the %(count)s largest customers", count=last - first + 1
                )
            }
        )
        columns.set_x_axis(
            {"name": self.env._("Customer"), "num_font": {"rotation": -45}}
        )
        columns.set_y_axis({"name": self.env._("Revenue")})
        line.set_y2_axis({"name": self.env._("Cumulative share"), "min": 0, "max": 1})
        columns.set_legend({"position": "bottom"})
        columns.set_size({"width": 900, "height": 420})
        sheet.ws.insert_chart(0, 11, columns)

    # ------------------------------------------------------------------
    # Matrix
    # ------------------------------------------------------------------
    def _write_matrix(self, sheet, portfolio, formats, sheets):
        order = {q: i for i, q in enumerate(QUADRANTS)}
        keys = sorted(
            portfolio["key_accounts"],
            key=lambda k: (order.get(k["quadrant"], 9), -(k["potential_score"] or 0)),
        )
        potential = portfolio["potential_threshold"]
        position = portfolio["position_threshold"]
        high = self.env._("High potential from")
        strong = self.env._("Strong position from")
        # Side table (G:I): the two threshold lines as points.
        header_row, first, _last = self._write_table(
            sheet,
            [
                Column(self.env._("Key account"), lambda k: k["name"], width=38),
                Column(self.env._("KAM"), lambda k: k["kam"], width=22),
                Column(
                    self.env._("Potential"),
                    lambda k: k["potential_score"],
                    "score",
                    10,
                ),
                Column(
                    self.env._("Position"),
                    lambda k: k["position_score"] if k["has_position"] else None,
                    "score",
                    10,
                ),
                Column(self.env._("Quadrant"), lambda k: k["quadrant_label"], width=20),
            ],
            keys,
            formats,
            freeze=0,
            side=[
                Column(self.env._("Threshold line"), lambda s: s[0], width=22),
                Column(self.env._("Position"), lambda s: s[1], "score"),
                Column(self.env._("Potential"), lambda s: s[2], "score"),
            ],
            side_rows=[
                (high, 0.0, potential),
                (high, 100.0, potential),
                (strong, position, 0.0),
                (strong, position, 100.0),
            ],
            side_col=6,
        )
        self._matrix_chart(sheet, keys, first, header_row, formats)

    def _matrix_chart(self, sheet, keys, first, header_row, formats):
        chart = sheet.workbook.add_chart({"type": "scatter"})
        for quadrant in QUADRANTS:
            rows = [
                first + i
                for i, k in enumerate(keys)
                if k["quadrant"] == quadrant and k["has_position"]
            ]
            if not rows:
                continue
            chart.add_series(
                {
                    "name": keys[rows[0] - first]["quadrant_label"],
                    "categories": [sheet.name, rows[0], 3, rows[-1], 3],
                    "values": [sheet.name, rows[0], 2, rows[-1], 2],
                    "marker": {
                        "type": "circle",
                        "size": 7,
                        "fill": {"color": QUADRANT_COLOURS[quadrant]},
                        "border": {"color": QUADRANT_COLOURS[quadrant]},
                    },
                }
            )
        for offset, name in (
            (0, self.env._("High potential from")),
            (2, self.env._("Strong position from")),
        ):
            start = header_row + 1 + offset
            chart.add_series(
                {
                    "name": name,
                    "categories": [sheet.name, start, 7, start + 1, 7],
                    "values": [sheet.name, start, 8, start + 1, 8],
                    "marker": {"type": "none"},
                    "line": {"color": "#7F7F7F", "dash_type": "dash", "width": 1.25},
                }
            )
        chart.set_title({"name": self.env._("Account analysis matrix")})
        chart.set_x_axis(
            {"name": self.env._("Supplier position"), "min": 0, "max": 100}
        )
        chart.set_y_axis(
            {"name": self.env._("Account potential"), "min": 0, "max": 100}
        )
        chart.set_legend({"position": "bottom"})
        chart.set_size({"width": 640, "height": 520})
        sheet.ws.insert_chart(header_row + 7, 6, chart)

    # ------------------------------------------------------------------
    # Accounts
    # ------------------------------------------------------------------
    def _accounts_columns(self):
        def plan(key, name):
            return (key["plan"] or {}).get(name)

        def predicted(name, scale=1.0):
            def value(key):
                return key[name] / scale if key["has_prediction"] else None

            return value

        return [
            Column(
                self.env._("Key account"),
                lambda k: k["name"],
                width=36,
                total=self.env._("Total"),
            ),
            Column(self.env._("KAM"), lambda k: k["kam"], width=20),
            Column(self.env._("Account team"), lambda k: k["team"], "wrap", 26),
            Column(self.env._("Tier"), lambda k: k["tier_label"], width=12),
            Column(
                self.env._("Class"),
                lambda k: (k["pareto_class"] or "").upper(),
                width=7,
            ),
            Column(
                self.env._("Revenue"),
                lambda k: k["revenue"],
                "money",
                16,
                SUM,
                key="revenue",
            ),
            Column(self.env._("Margin"), lambda k: k["margin"], "money", 16, SUM),
            Column("R", lambda k: k["rfm_recency"] or None, "int", 5),
            Column("F", lambda k: k["rfm_frequency"] or None, "int", 5),
            Column("M", lambda k: k["rfm_monetary"] or None, "int", 5),
            Column(
                self.env._("RFM segment"), lambda k: k["rfm_segment_label"], width=18
            ),
            *(
                Column(label, lambda k, f=fname: k[f], "score", width)
                for label, fname, width in (
                    (self.env._("Potential"), "potential_score", 10),
                    (self.env._("Volume"), "volume_score", 9),
                    (self.env._("Growth"), "growth_score", 9),
                    (self.env._("Share of wallet"), "share_of_wallet_score", 9),
                    (self.env._("Profitability"), "profitability_score", 9),
                    (self.env._("Objectives fit"), "objectives_fit_score", 9),
                )
            ),
            Column(
                self.env._("Position"),
                lambda k: k["position_score"] if k["has_position"] else None,
                "score",
                10,
            ),
            Column(self.env._("Quadrant"), lambda k: k["quadrant_label"], width=18),
            Column(
                self.env._("Health"),
                lambda k: k["health_score"] if k["scorecard_date"] else None,
                "score",
                9,
            ),
            *(
                Column(label, self._area_getter(area), "score", 9)
                for area, label in self._area_labels().items()
            ),
            Column(
                self.env._("Churn risk"),
                predicted("churn_probability", 100.0),
                "pct",
                9,
            ),
            Column(
                self.env._("Expected revenue, 12 months"),
                predicted("expected_revenue_12m"),
                "money",
                14,
            ),
            Column(self.env._("Lifetime value"), predicted("clv_value"), "money", 14),
            Column(self.env._("Account plan"), lambda k: plan(k, "name"), width=26),
            Column(
                self.env._("Plan status"), lambda k: plan(k, "state_label"), width=12
            ),
            Column(
                self.env._("Objectives achieved"),
                lambda k: (
                    None if plan(k, "achieved") is None else plan(k, "achieved") / 100.0
                ),
                "pct",
                11,
            ),
            Column(
                self.env._("Coverage warnings"),
                lambda k: k["coverage_warning"],
                "wrap",
                40,
            ),
            Column(
                self.env._("Open alerts"),
                lambda k: k["open_alert_count"],
                "int",
                8,
                SUM,
            ),
        ]

    def _write_accounts(self, sheet, portfolio, formats, sheets):
        self._write_table(
            sheet,
            self._accounts_columns(),
            portfolio["key_accounts"],
            formats,
            freeze=1,
            empty=self.env._("No key account in the selection."),
        )

    @staticmethod
    def _area_getter(area):
        def getter(key):
            missing = (key["scorecard_missing"] or "").split(",")
            if not key["scorecard_date"] or area in missing:
                return None
            return key[f"{area}_score"]

        return getter

    # ------------------------------------------------------------------
    # Plans and objectives
    # ------------------------------------------------------------------
    def _write_plans(self, sheet, portfolio, formats, sheets):
        def field(name, fmt="text", width=None):
            return lambda label: Column(label, lambda p: p.get(name), fmt, width)

        self._write_table(
            sheet,
            [
                field("account", width=30)(self.env._("Key account")),
                field("plan", width=28)(self.env._("Account plan")),
                field("kam", width=20)(self.env._("KAM")),
                field("state", width=12)(self.env._("Status")),
                field("date_start", "date", 11)(self.env._("Start")),
                field("date_end", "date", 11)(self.env._("End")),
                field("open_actions", "int", 8)(self.env._("Open actions")),
                field("objective", width=30)(self.env._("Objective")),
                field("kpi", width=16)(self.env._("KPI")),
                field("unit", width=8)(self.env._("Unit")),
                field("target", "score", 14)(self.env._("Target")),
                field("actual", "score", 14)(self.env._("Actual")),
                Column(
                    self.env._("Achieved"),
                    lambda p: (
                        None if p.get("achieved") is None else p["achieved"] / 100.0
                    ),
                    "pct",
                    10,
                ),
            ],
            portfolio["plans"],
            formats,
            freeze=0,
            empty=self.env._("No account plan in the period."),
        )

    # ------------------------------------------------------------------
    # Opportunities
    # ------------------------------------------------------------------
    def _write_opportunities(self, sheet, portfolio, formats, sheets):
        def target(key):
            return (key["plan"] or {}).get("revenue_target") or 0.0

        def won_vs_target(won, goal):
            return Formula('=IF(G{r}=0,"",D{r}/G{r})', won / goal if goal else "")

        self._write_table(
            sheet,
            [
                Column(
                    self.env._("Key account"),
                    lambda k: k["name"],
                    width=36,
                    total=self.env._("Total"),
                ),
                Column(self.env._("KAM"), lambda k: k["kam"], width=20),
                Column(
                    self.env._("Open pipeline"),
                    lambda k: k["sc_pipeline_value"],
                    "money",
                    16,
                    SUM,
                ),
                Column(
                    self.env._("Won value"),
                    lambda k: k["sc_won_value"],
                    "money",
                    16,
                    SUM,
                ),
                Column(
                    self.env._("Won opportunities"),
                    lambda k: k["sc_won_count"],
                    "int",
                    10,
                    SUM,
                ),
                Column(
                    self.env._("Win rate"),
                    lambda k: k["sc_win_rate_pct"] / 100.0,
                    "pct",
                    9,
                ),
                Column(self.env._("Revenue objective"), target, "money", 16, SUM),
                Column(
                    self.env._("Won vs objective"),
                    lambda k: won_vs_target(k["sc_won_value"], target(k)),
                    "pct",
                    11,
                    lambda keys: won_vs_target(
                        sum(k["sc_won_value"] for k in keys),
                        sum(target(k) for k in keys),
                    ),
                ),
            ],
            portfolio["key_accounts"],
            formats,
            freeze=0,
            empty=self.env._("No key account in the selection."),
        )

    # ------------------------------------------------------------------
    # KAM portfolio
    # ------------------------------------------------------------------
    def _write_kams(self, sheet, portfolio, formats, sheets):
        maximum = portfolio["max_accounts_per_kam"]
        company_cell = self._summary_cell(sheets, "company_revenue")
        group = self._group_columns(self.env._("KAM"), company_cell, revenue_col=4)
        label, count, *figures = (
            replace(column, width=width)
            for column, width in zip(group, (26, 10, 16, 16, 10), strict=True)
        )
        self._write_table(
            sheet,
            [
                label,
                count,
                Column(
                    self.env._("Recommended maximum"), lambda _g: maximum, "int", 12
                ),
                Column(
                    self.env._("Above the maximum"),
                    lambda g: Formula(
                        "=MAX(0,B{r}-C{r})", max(0, g["count"] - maximum)
                    ),
                    "int",
                    10,
                    SUM,
                ),
                *figures,
            ],
            portfolio["by_kam"],
            formats,
            freeze=0,
            empty=self.env._("No key account in the selection."),
        )
