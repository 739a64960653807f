"""The portfolio workbook: one report_xlsx report, seven sheets.

xlsxwriter runs in constant-memory mode: every sheet is written row after
row, top to bottom (a row once left is on disk), so memory does not grow
with the number of customers. Side tables (the chart helpers) are written in
the same rows as the data beside them.
"""

from odoo import models
from odoo.addons.kam_management.models.kam_format import format_number
from odoo.exceptions import UserError

# Customers drawn in the Pareto chart (the sheet lists them all).
PARETO_CHART_POINTS = 100
QUADRANT_ORDER = ("invest", "selective", "maintain", "milk")
QUADRANT_COLOURS = {
    "invest": "#2E7D32",
    "selective": "#1565C0",
    "maintain": "#F9A825",
    "milk": "#8E8E8E",
}
SCORE_AREAS = ("sales", "opportunities", "relationships", "satisfaction", "alerts")


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

    def _write_workbook(self, workbook, portfolio):
        formats = self._formats(workbook, portfolio["currency"])
        names = self._sheet_names()
        sheets = {key: _Sheet(workbook, name) for key, name in names.items()}
        has_data = not portfolio["customers"].empty
        for key, sheet in sheets.items():
            self._write_title(sheet, key, portfolio, formats)
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

    def _write_title(self, sheet, key, portfolio, formats):
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
        sheet.skip()

    def _table_header(self, sheet, headers, formats, widths=None):
        """Write the header row; freeze the rows above and including it."""
        row = sheet.write_row([(h, formats["header"]) for h in headers], height=30)
        sheet.ws.freeze_panes(row + 1, 0)
        for col, width in enumerate(widths or []):
            sheet.ws.set_column(col, col, width)
        return row

    def _sum(self, sheet, col, first, last, value, fmt):
        """A SUM formula over rows ``first``..``last`` (0-based) of ``col``."""
        letter = _col(col)
        return (f"=SUM({letter}{first + 1}:{letter}{last + 1})", value), fmt

    # ------------------------------------------------------------------
    # Summary
    # ------------------------------------------------------------------
    def _write_summary(self, sheet, portfolio, formats, sheets):
        keys = portfolio["key_accounts"]
        customers = portfolio["customers"]
        total_revenue = float(customers["revenue"].sum())
        key_revenue = sum(k["revenue"] for k in keys)
        pareto_first, pareto_last = 4, 3 + len(customers)
        accounts_first, accounts_last = 4, 3 + len(keys)
        sheet.ws.set_column(0, 0, 34)
        sheet.ws.set_column(1, 5, 16)
        self._table_header(sheet, [self.env._("Figure"), self.env._("Value")], formats)
        sheet.write_row(
            [
                (self.env._("Customers invoiced"), formats["text"]),
                (len(customers), formats["int"]),
            ]
        )
        sheet.write_row(
            [(self.env._("Key accounts"), formats["text"]), (len(keys), formats["int"])]
        )
        revenue_row = sheet.write_row(
            [
                (self.env._("Revenue of the customers"), formats["text"]),
                (
                    (
                        "=SUM({})".format(
                            sheets["pareto"].ref(pareto_first, 3, False)
                            + ":"
                            + f"{_col(3)}{pareto_last + 1}"
                        ),
                        total_revenue,
                    ),
                    formats["money"],
                ),
            ]
        )
        key_row = sheet.write_row(
            [
                (self.env._("Revenue of the key accounts"), formats["text"]),
                (
                    (
                        "=SUM({})".format(
                            sheets["accounts"].ref(accounts_first, 5, False)
                            + ":"
                            + f"{_col(5)}{accounts_last + 1}"
                        )
                        if keys
                        else "=0",
                        key_revenue,
                    ),
                    formats["money"],
                ),
            ]
        )
        sheet.write_row(
            [
                (self.env._("Key accounts' share of revenue"), formats["text"]),
                (
                    (
                        "=IF(B{t}=0,0,B{k}/B{t})".format(
                            t=revenue_row + 1, k=key_row + 1
                        ),
                        key_revenue / total_revenue if total_revenue else 0.0,
                    ),
                    formats["pct"],
                ),
            ]
        )
        sheet.skip()
        self._write_summary_groups(sheet, portfolio, formats)
        self._write_summary_movements(sheet, portfolio, formats)

    def _write_summary_groups(self, sheet, portfolio, formats):
        keys = portfolio["key_accounts"]
        quadrant_labels = {
            k["quadrant"]: k["quadrant_label"] for k in keys if k["quadrant"]
        }
        by_quadrant = [
            (quadrant_labels.get(q) or q, [k for k in keys if k["quadrant"] == q])
            for q in QUADRANT_ORDER
        ]
        unplaced = [k for k in keys if not k["quadrant"]]
        if unplaced:
            by_quadrant.append((self.env._("No quadrant"), unplaced))
        by_kam = {}
        for key in keys:
            by_kam.setdefault(key["kam"] or self.env._("No KAM"), []).append(key)
        for title, groups in (
            (self.env._("Quadrant"), by_quadrant),
            (self.env._("KAM"), sorted(by_kam.items())),
        ):
            sheet.write_row(
                [
                    (title, formats["header"]),
                    (self.env._("Key accounts"), formats["header"]),
                    (self.env._("Revenue"), formats["header"]),
                    (self.env._("Margin"), formats["header"]),
                    (self.env._("Share of revenue"), formats["header"]),
                ]
            )
            first = sheet.row
            last = first + len(groups) - 1
            total_revenue = sum(k["revenue"] for _label, group in groups for k in group)
            for label, group in groups:
                revenue = sum(k["revenue"] for k in group)
                row = sheet.row + 1
                sheet.write_row(
                    [
                        (label, formats["text"]),
                        (len(group), formats["int"]),
                        (revenue, formats["money"]),
                        (sum(k["margin"] for k in group), formats["money"]),
                        (
                            (
                                f"=IF(C${last + 2}=0,0,C{row}/C${last + 2})",
                                revenue / total_revenue if total_revenue else 0.0,
                            ),
                            formats["pct"],
                        ),
                    ]
                )
            sheet.write_row(
                [
                    (self.env._("Total"), formats["total"]),
                    self._sum(sheet, 1, first, last, len(keys), formats["total_int"]),
                    self._sum(
                        sheet, 2, first, last, total_revenue, formats["total_money"]
                    ),
                    self._sum(
                        sheet,
                        3,
                        first,
                        last,
                        sum(k["margin"] for k in keys),
                        formats["total_money"],
                    ),
                    (1.0 if total_revenue else 0.0, formats["total_pct"]),
                ]
            )
            sheet.skip()

    def _write_summary_movements(self, sheet, portfolio, formats):
        sheet.write_row(
            [(self.env._("Key account movements in the period"), formats["title"])]
        )
        sheet.write_row(
            [
                (h, formats["header"])
                for h in (
                    self.env._("Key account"),
                    self.env._("Last change"),
                    self.env._("Class before"),
                    self.env._("Class after"),
                    self.env._("Quadrant before"),
                    self.env._("Quadrant after"),
                )
            ]
        )
        for move in portfolio["movements"]:
            sheet.write_row(
                [
                    (move["account"], formats["text"]),
                    (move["date"], formats["date"]),
                    (move["class_from"], formats["text"]),
                    (move["class_to"], formats["text"]),
                    (move["quadrant_from"], formats["text"]),
                    (move["quadrant_to"], formats["text"]),
                ]
            )
        if not portfolio["movements"]:
            sheet.write_row(
                [(self.env._("No movement in the period."), formats["subtitle"])]
            )
        sheet.skip()
        sheet.write_row(
            [(self.env._("Class changes of all the customers"), formats["title"])]
        )
        sheet.write_row(
            [
                (self.env._("Class before"), formats["header"]),
                (self.env._("Class after"), formats["header"]),
                (self.env._("Changes"), formats["header"]),
            ]
        )
        moves = portfolio["class_moves"]
        first = sheet.row
        for (class_from, class_to), count in sorted(moves.items()):
            sheet.write_row(
                [
                    ((class_from or "-").upper(), formats["text"]),
                    ((class_to or "-").upper(), formats["text"]),
                    (count, formats["int"]),
                ]
            )
        if moves:
            sheet.write_row(
                [
                    (self.env._("Total"), formats["total"]),
                    None,
                    self._sum(
                        sheet,
                        2,
                        first,
                        sheet.row - 1,
                        sum(moves.values()),
                        formats["total_int"],
                    ),
                ]
            )
        else:
            sheet.write_row(
                [(self.env._("No movement in the period."), formats["subtitle"])]
            )

    # ------------------------------------------------------------------
    # Pareto
    # ------------------------------------------------------------------
    def _write_pareto(self, sheet, portfolio, formats, sheets):
        customers = portfolio["customers"]
        threshold = portfolio["pareto_a"] / 100.0
        headers = [
            self.env._("Rank"),
            self.env._("Customer"),
            self.env._("Class"),
            self.env._("Revenue"),
            self.env._("Share"),
            self.env._("Cumulative share"),
            self.env._("Margin"),
            self.env._("Invoices"),
        ]
        helper_col = len(headers) + 1
        header_row = self._table_header(
            sheet, headers, formats, widths=[7, 38, 11, 16, 9, 11, 16, 9]
        )
        sheet.ws.write_string(
            header_row,
            helper_col,
            self.env._(
                "Class A line (%(threshold)s%%)",
                threshold=format_number(self.env, portfolio["pareto_a"]),
            ),
            formats["header"],
        )
        sheet.ws.set_column(helper_col, helper_col, 14)
        first = sheet.row
        fmt_int, fmt_text = formats["int"], formats["text"]
        fmt_money, fmt_pct = formats["money"], formats["pct"]
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
        ].itertuples(index=False, name=None)
        for index, (
            rank,
            name,
            klass,
            revenue,
            share,
            cumulative,
            margin,
            count,
        ) in enumerate(rows):
            sheet.write_row(
                [
                    (int(rank), fmt_int),
                    (name, fmt_text),
                    ((klass or "").upper(), fmt_text),
                    (revenue, fmt_money),
                    (share / 100.0, fmt_pct),
                    (cumulative / 100.0, fmt_pct),
                    (margin, fmt_money),
                    (int(count), fmt_int),
                    None,
                    (threshold, fmt_pct) if index < PARETO_CHART_POINTS else None,
                ]
            )
        last = sheet.row - 1
        sheet.write_row(
            [
                None,
                (self.env._("Total"), formats["total"]),
                None,
                self._sum(
                    sheet,
                    3,
                    first,
                    last,
                    float(customers["revenue"].sum()),
                    formats["total_money"],
                ),
                self._sum(
                    sheet,
                    4,
                    first,
                    last,
                    float(customers["share"].sum()) / 100.0,
                    formats["total_pct"],
                ),
                None,
                self._sum(
                    sheet,
                    6,
                    first,
                    last,
                    float(customers["margin"].sum()),
                    formats["total_money"],
                ),
                self._sum(
                    sheet,
                    7,
                    first,
                    last,
                    int(customers["invoice_count"].sum()),
                    formats["total_int"],
                ),
            ]
        )
        sheet.ws.autofilter(header_row, 0, last, len(headers) - 1)
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
        order = {q: i for i, q in enumerate(QUADRANT_ORDER)}
        keys = sorted(
            portfolio["key_accounts"],
            key=lambda k: (order.get(k["quadrant"], 9), -(k["potential_score"] or 0)),
        )
        headers = [
            self.env._("Key account"),
            self.env._("KAM"),
            self.env._("Potential"),
            self.env._("Position"),
            self.env._("Quadrant"),
        ]
        header_row = self._table_header(
            sheet, headers, formats, widths=[38, 22, 10, 10, 20]
        )
        potential = portfolio["potential_threshold"]
        position = portfolio["position_threshold"]
        # Helper table (G:I): the two threshold lines as points.
        side = [
            (
                self.env._("Threshold line"),
                self.env._("Position"),
                self.env._("Potential"),
            ),
            (self.env._("High potential from"), 0.0, potential),
            (self.env._("High potential from"), 100.0, potential),
            (self.env._("Strong position from"), position, 0.0),
            (self.env._("Strong position from"), position, 100.0),
        ]
        sheet.ws.write_row(header_row, 6, side[0], formats["header"])
        sheet.ws.set_column(6, 6, 22)
        first = sheet.row
        for index in range(max(len(keys), len(side) - 1)):
            cells = [None] * 9
            if index < len(keys):
                key = keys[index]
                placed = key["has_position"]
                cells[:5] = [
                    (key["name"], formats["text"]),
                    (key["kam"], formats["text"]),
                    (key["potential_score"], formats["score"]),
                    (key["position_score"] if placed else None, formats["score"]),
                    (key["quadrant_label"], formats["text"]),
                ]
            if index + 1 < len(side):
                label, x, y = side[index + 1]
                cells[6:9] = [
                    (label, formats["text"]),
                    (x, formats["score"]),
                    (y, formats["score"]),
                ]
            sheet.write_row(cells)
        last = first + len(keys) - 1
        if keys:
            sheet.ws.autofilter(header_row, 0, last, len(headers) - 1)
        self._matrix_chart(sheet, keys, first, header_row, formats)

    def _matrix_chart(self, sheet, keys, first, header_row, formats):
        chart = sheet.workbook.add_chart({"type": "scatter"})
        for quadrant in QUADRANT_ORDER:
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
    def _write_accounts(self, sheet, portfolio, formats, sheets):
        keys = portfolio["key_accounts"]
        columns = [
            (self.env._("Key account"), 36, lambda k: (k["name"], "text")),
            (self.env._("KAM"), 20, lambda k: (k["kam"], "text")),
            (self.env._("Account team"), 26, lambda k: (k["team"], "wrap")),
            (self.env._("Tier"), 12, lambda k: (k["tier_label"], "text")),
            (
                self.env._("Class"),
                7,
                lambda k: ((k["pareto_class"] or "").upper(), "text"),
            ),
            (self.env._("Revenue"), 16, lambda k: (k["revenue"], "money")),
            (self.env._("Margin"), 16, lambda k: (k["margin"], "money")),
            ("R", 5, lambda k: (k["rfm_recency"] or None, "int")),
            ("F", 5, lambda k: (k["rfm_frequency"] or None, "int")),
            ("M", 5, lambda k: (k["rfm_monetary"] or None, "int")),
            (self.env._("RFM segment"), 18, lambda k: (k["rfm_segment_label"], "text")),
            (self.env._("Potential"), 10, lambda k: (k["potential_score"], "score")),
            (self.env._("Volume"), 9, lambda k: (k["volume_score"], "score")),
            (self.env._("Growth"), 9, lambda k: (k["growth_score"], "score")),
            (
                self.env._("Share of wallet"),
                9,
                lambda k: (k["share_of_wallet_score"], "score"),
            ),
            (
                self.env._("Profitability"),
                9,
                lambda k: (k["profitability_score"], "score"),
            ),
            (
                self.env._("Objectives fit"),
                9,
                lambda k: (k["objectives_fit_score"], "score"),
            ),
            (
                self.env._("Position"),
                10,
                lambda k: (k["position_score"] if k["has_position"] else None, "score"),
            ),
            (self.env._("Quadrant"), 18, lambda k: (k["quadrant_label"], "text")),
            (
                self.env._("Health"),
                9,
                lambda k: (k["health_score"] if k["scorecard_date"] else None, "score"),
            ),
            *(
                (label, 9, self._area_getter(area))
                for area, label in (
                    ("sales", self.env._("Sales")),
                    ("opportunities", self.env._("Opportunities")),
                    ("relationships", self.env._("Relationships")),
                    ("satisfaction", self.env._("Satisfaction")),
                    ("alerts", self.env._("Alerts")),
                )
            ),
            (
                self.env._("Churn risk"),
                9,
                lambda k: (
                    k["churn_probability"] / 100.0 if k["has_prediction"] else None,
                    "pct",
                ),
            ),
            (
                self.env._("Expected revenue, 12 months"),
                14,
                lambda k: (
                    k["expected_revenue_12m"] if k["has_prediction"] else None,
                    "money",
                ),
            ),
            (
                self.env._("Lifetime value"),
                14,
                lambda k: (k["clv_value"] if k["has_prediction"] else None, "money"),
            ),
            (
                self.env._("Account plan"),
                26,
                lambda k: ((k["plan"] or {}).get("name"), "text"),
            ),
            (
                self.env._("Plan status"),
                12,
                lambda k: ((k["plan"] or {}).get("state_label"), "text"),
            ),
            (
                self.env._("Objectives achieved"),
                11,
                lambda k: (
                    None
                    if (k["plan"] or {}).get("achieved") is None
                    else k["plan"]["achieved"] / 100.0,
                    "pct",
                ),
            ),
            (
                self.env._("Coverage warnings"),
                40,
                lambda k: (k["coverage_warning"], "wrap"),
            ),
            (self.env._("Open alerts"), 8, lambda k: (k["open_alert_count"], "int")),
        ]
        header_row = self._table_header(
            sheet, [c[0] for c in columns], formats, widths=[c[1] for c in columns]
        )
        sheet.ws.freeze_panes(header_row + 1, 1)
        first = sheet.row
        for key in keys:
            cells = []
            for _label, _width, getter in columns:
                value, fmt = getter(key)
                cells.append((value, formats[fmt]))
            sheet.write_row(cells)
        last = sheet.row - 1
        if keys:
            sheet.write_row(
                [
                    (self.env._("Total"), formats["total"]),
                    None,
                    None,
                    None,
                    None,
                    self._sum(
                        sheet,
                        5,
                        first,
                        last,
                        sum(k["revenue"] for k in keys),
                        formats["total_money"],
                    ),
                    self._sum(
                        sheet,
                        6,
                        first,
                        last,
                        sum(k["margin"] for k in keys),
                        formats["total_money"],
                    ),
                    *[None] * (len(columns) - 8),
                    self._sum(
                        sheet,
                        len(columns) - 1,
                        first,
                        last,
                        sum(k["open_alert_count"] for k in keys),
                        formats["total_int"],
                    ),
                ]
            )
            sheet.ws.autofilter(header_row, 0, last, len(columns) - 1)
        else:
            sheet.write_row(
                [(self.env._("No key account in the selection."), formats["nodata"])]
            )

    @staticmethod
    def _area_getter(area):
        def getter(key):
            missing = (key["scorecard_missing"] or "").split(",")
            if not key["scorecard_date"] or area in missing:
                return None, "score"
            return key[f"{area}_score"], "score"

        return getter

    # ------------------------------------------------------------------
    # Plans and objectives
    # ------------------------------------------------------------------
    def _write_plans(self, sheet, portfolio, formats, sheets):
        headers = [
            self.env._("Key account"),
            self.env._("Account plan"),
            self.env._("KAM"),
            self.env._("Status"),
            self.env._("Start"),
            self.env._("End"),
            self.env._("Open actions"),
            self.env._("Objective"),
            self.env._("KPI"),
            self.env._("Unit"),
            self.env._("Target"),
            self.env._("Actual"),
            self.env._("Achieved"),
        ]
        header_row = self._table_header(
            sheet,
            headers,
            formats,
            widths=[30, 28, 20, 12, 11, 11, 8, 30, 16, 8, 14, 14, 10],
        )
        rows = portfolio["plans"]
        for plan in rows:
            sheet.write_row(
                [
                    (plan["account"], formats["text"]),
                    (plan["plan"], formats["text"]),
                    (plan["kam"], formats["text"]),
                    (plan["state"], formats["text"]),
                    (plan["date_start"], formats["date"]),
                    (plan["date_end"], formats["date"]),
                    (plan["open_actions"], formats["int"]),
                    (plan["objective"], formats["text"]),
                    (plan["kpi"], formats["text"]),
                    (plan["unit"], formats["text"]),
                    (plan.get("target"), formats["score"]),
                    (plan.get("actual"), formats["score"]),
                    (
                        None
                        if plan.get("achieved") is None
                        else plan["achieved"] / 100.0,
                        formats["pct"],
                    ),
                ]
            )
        if rows:
            sheet.ws.autofilter(header_row, 0, header_row + len(rows), len(headers) - 1)
        else:
            sheet.write_row(
                [(self.env._("No account plan in the period."), formats["nodata"])]
            )

    # ------------------------------------------------------------------
    # Opportunities
    # ------------------------------------------------------------------
    def _write_opportunities(self, sheet, portfolio, formats, sheets):
        keys = portfolio["key_accounts"]
        headers = [
            self.env._("Key account"),
            self.env._("KAM"),
            self.env._("Open pipeline"),
            self.env._("Won value"),
            self.env._("Won opportunities"),
            self.env._("Win rate"),
            self.env._("Revenue objective"),
            self.env._("Won vs objective"),
        ]
        header_row = self._table_header(
            sheet, headers, formats, widths=[36, 20, 16, 16, 10, 9, 16, 11]
        )
        first = sheet.row
        for key in keys:
            row = sheet.row + 1
            target = (key["plan"] or {}).get("revenue_target") or 0.0
            sheet.write_row(
                [
                    (key["name"], formats["text"]),
                    (key["kam"], formats["text"]),
                    (key["sc_pipeline_value"], formats["money"]),
                    (key["sc_won_value"], formats["money"]),
                    (key["sc_won_count"], formats["int"]),
                    (key["sc_win_rate_pct"] / 100.0, formats["pct"]),
                    (target, formats["money"]),
                    (
                        (
                            f'=IF(G{row}=0,"",D{row}/G{row})',
                            key["sc_won_value"] / target if target else "",
                        ),
                        formats["pct"],
                    ),
                ]
            )
        last = sheet.row - 1
        if not keys:
            sheet.write_row(
                [(self.env._("No key account in the selection."), formats["nodata"])]
            )
            return
        total_row = sheet.row + 1
        won = sum(k["sc_won_value"] for k in keys)
        target = sum((k["plan"] or {}).get("revenue_target") or 0.0 for k in keys)
        sheet.write_row(
            [
                (self.env._("Total"), formats["total"]),
                None,
                self._sum(
                    sheet,
                    2,
                    first,
                    last,
                    sum(k["sc_pipeline_value"] for k in keys),
                    formats["total_money"],
                ),
                self._sum(sheet, 3, first, last, won, formats["total_money"]),
                self._sum(
                    sheet,
                    4,
                    first,
                    last,
                    sum(k["sc_won_count"] for k in keys),
                    formats["total_int"],
                ),
                None,
                self._sum(sheet, 6, first, last, target, formats["total_money"]),
                (
                    (
                        f'=IF(G{total_row}=0,"",D{total_row}/G{total_row})',
                        won / target if target else "",
                    ),
                    formats["total_pct"],
                ),
            ]
        )
        sheet.ws.autofilter(header_row, 0, last, len(headers) - 1)

    # ------------------------------------------------------------------
    # KAM portfolio
    # ------------------------------------------------------------------
    def _write_kams(self, sheet, portfolio, formats, sheets):
        keys = portfolio["key_accounts"]
        maximum = portfolio["max_accounts_per_kam"]
        headers = [
            self.env._("KAM"),
            self.env._("Key accounts"),
            self.env._("Recommended maximum"),
            self.env._("Above the maximum"),
            self.env._("Revenue"),
            self.env._("Margin"),
            self.env._("Share of revenue"),
        ]
        header_row = self._table_header(
            sheet, headers, formats, widths=[26, 10, 12, 10, 16, 16, 10]
        )
        by_kam = {}
        for key in keys:
            by_kam.setdefault(key["kam"] or self.env._("No KAM"), []).append(key)
        if not by_kam:
            sheet.write_row(
                [(self.env._("No key account in the selection."), formats["nodata"])]
            )
            return
        first = sheet.row
        last = first + len(by_kam) - 1
        total_row = last + 2
        total = sum(k["revenue"] for k in keys)
        for kam, group in sorted(by_kam.items()):
            row = sheet.row + 1
            revenue = sum(k["revenue"] for k in group)
            sheet.write_row(
                [
                    (kam, formats["text"]),
                    (len(group), formats["int"]),
                    (maximum, formats["int"]),
                    (
                        (f"=MAX(0,B{row}-C{row})", max(0, len(group) - maximum)),
                        formats["int"],
                    ),
                    (revenue, formats["money"]),
                    (sum(k["margin"] for k in group), formats["money"]),
                    (
                        (
                            f"=IF(E${total_row}=0,0,E{row}/E${total_row})",
                            revenue / total if total else 0.0,
                        ),
                        formats["pct"],
                    ),
                ]
            )
        sheet.write_row(
            [
                (self.env._("Total"), formats["total"]),
                self._sum(sheet, 1, first, last, len(keys), formats["total_int"]),
                None,
                self._sum(
                    sheet,
                    3,
                    first,
                    last,
                    sum(max(0, len(g) - maximum) for g in by_kam.values()),
                    formats["total_int"],
                ),
                self._sum(sheet, 4, first, last, total, formats["total_money"]),
                self._sum(
                    sheet,
                    5,
                    first,
                    last,
                    sum(k["margin"] for k in keys),
                    formats["total_money"],
                ),
                (1.0 if total else 0.0, formats["total_pct"]),
            ]
        )
        sheet.ws.autofilter(header_row, 0, last, len(headers) - 1)
