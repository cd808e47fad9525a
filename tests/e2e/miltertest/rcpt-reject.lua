-- RCPT stage: an unknown local user gets 550 5.1.1 (preset user_unknown) for
-- that recipient only; the other recipients of the same transaction continue
-- and the message is accepted at end of message without any change.
-- Domains compare case-insensitively, "+detail" matches its base address.
-- log: stage=rcpt rule=unknown-user mode=\S+ action=reject code=550 enhanced=5\.1\.1 client_ip=203\.0\.113\.12 helo=client\.test sender=sender@example\.com rcpt=nobody@example\.org latency_us=[0-9]+$
-- log: stage=rcpt rule=unknown-user mode=\S+ action=reject code=550 enhanced=5\.1\.1 client_ip=203\.0\.113\.12 helo=client\.test sender=sender@example\.com rcpt=ALICE@example\.org latency_us=[0-9]+$
local T = dofile(os.getenv("VERDICT_MT_DIR") .. "/lib/common.lua")

local conn = T.open()
T.conninfo(conn, "client.test", "203.0.113.12")
T.helo(conn, "client.test")
T.mail(conn, "<sender@example.com>")
T.rcpt(conn, "<nobody@example.org>", SMFIR_REPLYCODE)
T.rcpt(conn, "<alice@example.org>")
T.rcpt(conn, "<bob@EXAMPLE.ORG>")
T.rcpt(conn, "<alice+lists@example.org>")
-- The local part is exact unless a rule says ignore_case.
T.rcpt(conn, "<ALICE@example.org>", SMFIR_REPLYCODE)
T.rcpt(conn, "<someone@example.net>")
T.header(conn, "From", "<sender@example.com>")
T.header(conn, "Subject", "hello")
T.eoh(conn)
T.body(conn, "Just a message.\r\n")
T.eom(conn)
T.expect_no_changes(conn, "rcpt-reject")
if mt.eom_check(conn, MT_RCPTDELETE, "<alice@example.org>") then error("alice was removed") end
T.close(conn)
