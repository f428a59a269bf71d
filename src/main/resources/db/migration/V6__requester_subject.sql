-- The stable identity (the token's `sub` claim) of whoever started an execution, so that the rule "the
-- requester may not approve or reject it" compares identities rather than display names. Empty for
-- executions started without authentication and for those stored before this column existed, which
-- fall back to comparing principals.
ALTER TABLE executions ADD COLUMN requested_by_subject VARCHAR(512) DEFAULT '' NOT NULL;
