-- mode = "monitor": the rule (reject + add_header) matches and is logged as a
-- monitor hit, but the recipient continues and nothing is added.
-- log: stage=rcpt rule=- mode=\S+ action=continue .*rcpt=watched@example\.net latency_us=[0-9]+ monitor=watch-only$
local T = dofile(os.getenv("VERDICT_MT_DIR") .. "/lib/common.lua")

local conn = T.open()
T.conninfo(conn, "client.test", "203.0.113.24")
T.helo(conn, "client.test")
T.mail(conn, "<sender@example.com>")
T.rcpt(conn, "<watched@example.net>")
T.header(conn, "Subject", "watched")
T.eoh(conn)
T.body(conn, "body\r\n")
T.eom(conn)
T.expect_no_changes(conn, "monitor-mode rule")
T.close(conn)
