-- RCPT stage: a full mailbox is deferred with 452 4.2.2 for that recipient
-- only; the next recipient continues.
-- log: stage=rcpt rule=full-mailbox mode=\S+ action=defer code=452 enhanced=4\.2\.2 client_ip=203\.0\.113\.13 helo=client\.test sender=sender@example\.com rcpt=carol@example\.org latency_us=[0-9]+$
local T = dofile(os.getenv("VERDICT_MT_DIR") .. "/lib/common.lua")

local conn = T.open()
T.conninfo(conn, "client.test", "203.0.113.13")
T.helo(conn, "client.test")
T.mail(conn, "<sender@example.com>")
T.rcpt(conn, "<carol@example.org>", SMFIR_REPLYCODE)
T.rcpt(conn, "<bob@example.org>")
T.header(conn, "Subject", "for bob")
T.eoh(conn)
T.body(conn, "Hi Bob.\r\n")
T.eom(conn)
T.expect_no_changes(conn, "rcpt-defer")
T.close(conn)
