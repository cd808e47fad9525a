-- A reply text with '%' (in the rule's text and in the expanded {sender})
-- arrives intact. libmilter's contract (smfi_setreply(3)): a literal '%' must
-- reach the MTA as "%%", which the MTA turns back into '%'; a lone '%' makes
-- Sendmail drop the text. So on the milter wire every '%' is doubled, exactly
-- once, and nothing else changes.
-- log: stage=eom rule=percent-text mode=\S+ action=reject code=550 enhanced=5\.7\.1 client_ip=203\.0\.113\.17 helo=client\.test sender=a%b@example\.com 
local T = dofile(os.getenv("VERDICT_MT_DIR") .. "/lib/common.lua")

local conn = T.open()
T.conninfo(conn, "client.test", "203.0.113.17")
T.helo(conn, "client.test")
T.mail(conn, "<a%b@example.com>")
T.rcpt(conn, "<alice@example.org>")
T.header(conn, "X-Test-Verdict", "percent")
T.eoh(conn)
T.body(conn, "body\r\n")
T.eom(conn, SMFIR_REPLYCODE)
T.expect_reply(conn, "550", "5.7.1", "100%% sure: a%%b@example.com is 50%%s junk")
T.close(conn)
