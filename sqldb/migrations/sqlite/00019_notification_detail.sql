-- +goose Up
-- Notifications worth reading (sqldb/notify.go): detail names which
-- deadline or task (a clock or task kind, or a proposed outcome), due_on its
-- date; slot groups a user's notifications of one case and kind, so that a
-- newer one replaces the older unread one (replaced_at) instead of piling
-- up. A replaced row is kept so that its event is never told twice.
ALTER TABLE notifications ADD COLUMN detail TEXT NOT NULL DEFAULT '';
ALTER TABLE notifications ADD COLUMN due_on TEXT;
ALTER TABLE notifications ADD COLUMN slot TEXT NOT NULL DEFAULT '';
ALTER TABLE notifications ADD COLUMN replaced_at TEXT;
UPDATE notifications SET slot = (CASE WHEN kind = 'deadline_missed' THEN 'deadline_soon' ELSE kind END) || ':' || case_id;
-- The piles written before: only the newest unread one of each stays.
UPDATE notifications SET replaced_at = created_at
WHERE read_at IS NULL AND EXISTS (SELECT 1 FROM notifications m
    WHERE m.user_id = notifications.user_id AND m.slot = notifications.slot AND m.read_at IS NULL
      AND (m.created_at > notifications.created_at OR (m.created_at = notifications.created_at AND m.id > notifications.id)));
CREATE INDEX notifications_slot ON notifications(user_id, slot);

-- +goose Down
DROP INDEX notifications_slot;
ALTER TABLE notifications DROP COLUMN replaced_at;
ALTER TABLE notifications DROP COLUMN slot;
ALTER TABLE notifications DROP COLUMN due_on;
ALTER TABLE notifications DROP COLUMN detail;
