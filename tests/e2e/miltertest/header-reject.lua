-- Header-based rejection, 550 5.7.1:
--  1. a header-stage rule (spam-subject, preset spam) answers at end of headers;
--  2. an eom-stage rule testing a header answers at end of message, where the
--     exact reply is visible;
--  3. after both refusals (and RSET), a clean message on the same connection
--     is accepted: nothing of the refused messages is left over.
-- log: stage=header rule=spam-subject mode=\S+ action=reject code=550 enhanced=5\.7\.1 client_ip=203\.0\.113\.14 
-- log: stage=eom rule=header-at-eom mode=\S+ action=reject code=550 enhanced=5\.7\.1 client_ip=203\.0\.113\.14 
local T = dofile(os.getenv("VERDICT_MT_DIR") .. "/lib/common.lua")

local conn = T.open()
T.conninfo(conn, "client.test", "203.0.113.14")
T.helo(conn, "client.test")

T.mail(conn, "<sender@example.com>")
T.rcpt(conn, "<alice@example.org>")
T.header(conn, "From", "<sender@example.com>")
T.header(conn, "Subject", "You are a Lottery Winner!")
T.eoh(conn, SMFIR_REPLYCODE)
T.abort(conn)

T.mail(conn, "<sender@example.com>")
T.rcpt(conn, "<alice@example.org>")
T.header(conn, "Subject", "ordinary")
T.header(conn, "X-Test-Verdict", "reject")
T.eoh(conn)
T.body(conn, "body\r\n")
T.eom(conn, SMFIR_REPLYCODE)
T.expect_reply(conn, "550", "5.7.1", "Header check failed for sender@example.com")
T.abort(conn)

T.mail(conn, "<sender@example.com>")
T.rcpt(conn, "<alice@example.org>")
T.header(conn, "Subject", "ordinary")
T.eoh(conn)
T.body(conn, "body\r\n")
T.eom(conn)
T.expect_no_changes(conn, "clean message after refusals")
T.close(conn)
