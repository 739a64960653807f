from datetime import datetime, time, timedelta

from odoo import api, fields, models

# (days ago, hour, duration in hours, KAM activity) of each demo meeting.
DEMO_MEETINGS = [
    (3, 9, 2.0, "relationships"),
    (8, 10, 1.5, "negotiation"),
    (10, 15, 1.0, "team"),
    (15, 9, 3.0, "selling"),
    (22, 11, 2.0, "problems"),
    (30, 16, 1.0, "reporting"),
    (41, 9, 4.0, "training"),
]
# Days over which the demo's done activities are spread, a week ago and before
# (within the time-allocation report's default three months).
DEMO_ACTIVITY_DAYS = 70
# (activity type xml id, how many done) per KAM, on their key accounts.
DEMO_ACTIVITIES = [
    ("mail.mail_activity_data_call", 8),
    ("mail.mail_activity_data_todo", 10),
    ("mail.mail_activity_data_upload_document", 3),
    ("sale.mail_act_sale_upsell", 4),
]


class KamAccountDemoOrganisation(models.Model):
    _inherit = "kam.account"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _demo_time_allocation(self, user_xmlids):
        """Demo data: meetings and done activities of the demo KAMs.

        Each KAM attends the meetings of :data:`DEMO_MEETINGS` (the second
        KAM only every other one) and marks done the activities of
        :data:`DEMO_ACTIVITIES` on their key accounts, so that the
        time-allocation report has figures to compare with the reference.
        """
        today = fields.Date.context_today(self)
        events = []
        users = [self.env.ref(xmlid) for xmlid in user_xmlids]
        for index, user in enumerate(users):
            for number, (days, hour, hours, category) in enumerate(DEMO_MEETINGS):
                if index and number % 2:
                    continue
                start = datetime.combine(today - timedelta(days=days), time(hour))
                events.append(
                    {
                        "name": dict(
                            self.env["calendar.event"]
                            ._fields["kam_time_category"]
                            ._description_selection(self.env)
                        )[category],
                        "start": start,
                        "stop": start + timedelta(hours=hours),
                        "duration": hours,
                        "user_id": user.id,
                        "partner_ids": [fields.Command.set(user.partner_id.ids)],
                        "kam_time_category": category,
                    }
                )
        self.env["calendar.event"].with_context(
            no_mail_to_attendees=True, mail_create_nolog=True
        ).create(events)
        model_id = self.env["ir.model"]._get_id(self._name)
        for user in users:
            accounts = self.search([("kam_user_id", "=", user.id)], limit=1)
            account = accounts or self.search([("is_key_account", "=", True)], limit=1)
            # Following first: activities created in a batch on one record
            # would each subscribe their user.
            account.message_subscribe(partner_ids=user.partner_id.ids)
            activities = self.env["mail.activity"].create(
                [
                    {
                        "activity_type_id": self.env.ref(xmlid).id,
                        "res_model_id": model_id,
                        "res_id": account.id,
                        "user_id": user.id,
                        "summary": self.env.ref(xmlid).name,
                        "date_deadline": today,
                    }
                    for xmlid, count in DEMO_ACTIVITIES
                    for _index in range(count)
                ]
            )
            activities.with_user(user).action_feedback(feedback="Done (demo).")
            self._demo_spread_done_messages(account, user)
        return True

    @api.model
    def _demo_spread_done_messages(self, account, user):
        """Date the demo's done activities over the last weeks, as a real
        KAM's are: all of today, they buried the account's chatter."""
        messages = self.env["mail.message"].search(
            [
                ("model", "=", self._name),
                ("res_id", "=", account.id),
                ("author_id", "=", user.partner_id.id),
                ("subtype_id", "=", self.env.ref("mail.mt_activities").id),
            ]
        )
        now = fields.Datetime.now()
        count = len(messages)
        dates = [
            now - timedelta(days=7 + index * DEMO_ACTIVITY_DAYS // max(count, 1))
            for index in range(count)
        ]
        self.env["mail.message"].flush_model(["date"])
        self.env.cr.execute(
            """
            UPDATE mail_message m SET date = spread.date
              FROM unnest(%s::int[], %s::timestamp[]) AS spread(id, date)
             WHERE m.id = spread.id
            """,
            [messages.ids, dates],
        )
        messages.invalidate_recordset(["date"])
