"""One open account plan per account and period.

Before 18.0.1.2.0, *Copy to Next Period* pressed twice made a second plan of
the same account and period. Of each such group, the most advanced plan
(active, then approved, submitted, draft; the oldest first) stays as it is and
the others are closed, so that the unique index the module creates can hold;
nothing is deleted.
"""

import logging

_logger = logging.getLogger(__name__)


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        """
        WITH ranked AS (
            SELECT id,
                   row_number() OVER (
                       PARTITION BY account_id, date_start, date_end
                       ORDER BY CASE state
                                    WHEN 'active' THEN 0
                                    WHEN 'approved' THEN 1
                                    WHEN 'submitted' THEN 2
                                    ELSE 3
                                END,
                                id
                   ) AS rank
              FROM kam_account_plan
             WHERE state != 'closed'
        )
        UPDATE kam_account_plan plan
           SET state = 'closed'
          FROM ranked
         WHERE ranked.id = plan.id AND ranked.rank > 1
     RETURNING plan.id
        """
    )
    closed = [row[0] for row in cr.fetchall()]
    if closed:
        _logger.warning(
            "Closed %s account plan(s) that repeated another plan of the same "
            "account and period: %s",
            len(closed),
            closed,
        )
