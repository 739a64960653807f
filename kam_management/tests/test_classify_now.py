from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import JsonRpcException
from odoo.tools import mute_logger


@tagged("post_install", "-at_install")
class TestClassifyNowEntryPoints(HttpCase):
    """Every way of starting a run works the way the web client calls it.

    The list's header button and the run form's button go through
    ``/web/dataset/call_button`` (with the selected ids, or none), the menu
    through ``/web/action/run`` on its server action, the nightly run through
    the scheduled action.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.director = new_test_user(
            cls.env,
            login="kam_http_director",
            name="Hugo Director",
            groups="base.group_user,kam_management.group_kam_manager",
        )
        cls.kam = new_test_user(
            cls.env,
            login="kam_http_kam",
            name="Klara KAM",
            groups="base.group_user,kam_management.group_kam_user",
        )
        cls.Run = cls.env["kam.classification.run"]

    def _call_button(self, ids):
        """What the web client posts for a button of type object."""
        return self.make_jsonrpc_request(
            "/web/dataset/call_button/kam.classification.run/action_classify_now",
            {
                "model": "kam.classification.run",
                "method": "action_classify_now",
                "args": [ids],
                "kwargs": {"context": {"lang": "en_US"}},
            },
        )

    def _new_run(self, action, before):
        runs = self.Run.search([]) - before
        self.assertEqual(len(runs), 1)
        self.assertEqual(runs.state, "done")
        self.assertEqual(runs.trigger, "manual")
        self.assertEqual(runs.user_id, self.director)
        self.assertEqual(action["res_model"], "kam.classification.run")
        self.assertEqual(action["res_id"], runs.id)
        return runs

    def test_list_header_button_without_selection(self):
        self.authenticate("kam_http_director", "kam_http_director")
        before = self.Run.search([])
        self._new_run(self._call_button([]), before)

    def test_list_header_button_with_selection_and_form_button(self):
        self.authenticate("kam_http_director", "kam_http_director")
        before = self.Run.search([])
        first = self._new_run(self._call_button([]), before)
        # A run selected in the list, then the button of that run's form.
        second = self._new_run(self._call_button([first.id]), before | first)
        self._new_run(self._call_button([second.id]), before | first | second)

    def test_menu_entry(self):
        self.authenticate("kam_http_director", "kam_http_director")
        menu = self.env.ref("kam_management.menu_kam_classify_now")
        action = menu.action
        self.assertEqual(action, self.env.ref("kam_management.action_kam_classify_now"))
        before = self.Run.search([])
        result = self.make_jsonrpc_request(
            "/web/action/run", {"action_id": action.id, "context": {"lang": "en_US"}}
        )
        self._new_run(result, before)

    def test_scheduled_action(self):
        cron = self.env.ref("kam_management.ir_cron_kam_classify")
        before = self.Run.search([])
        cron.method_direct_trigger()
        runs = self.Run.search([]) - before
        self.assertTrue(runs)
        self.assertEqual(set(runs.mapped("trigger")), {"cron"})
        self.assertEqual(set(runs.mapped("state")), {"done"})

    def test_kam_cannot_start_a_run(self):
        self.authenticate("kam_http_kam", "kam_http_kam")
        before = self.Run.search([])
        with mute_logger("odoo.http"), self.assertRaises(JsonRpcException) as raised:
            self._call_button([])
        self.assertEqual(str(raised.exception), "odoo.exceptions.UserError")
        self.assertFalse(self.Run.search([]) - before)
