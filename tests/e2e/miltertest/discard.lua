-- Discard: the recipient that triggers it is accepted at RCPT (the rule's
-- action waits for end of message), and end of message answers SMFIR_DISCARD.
-- log: stage=rcpt rule=blackhole mode=\S+ action=discard .*rcpt=blackhole@example\.net latency_us=[0-9]+$
-- log: stage=eom rule=blackhole mode=\S+ action=discard code=- enhanced=- client_ip=203\.0\.113\.18 
local T = dofile(os.getenv("VERDICT_MT_DIR") .. "/lib/common.lua")

local conn = T.open()
T.conninfo(conn, "client.test", "203.0.113.18")
T.helo(conn, "client.test")
T.mail(conn, "<sender@example.com>")
T.rcpt(conn, "<alice@example.org>")
T.rcpt(conn, "<blackhole@example.net>")
T.header(conn, "Subject", "into the void")
T.eoh(conn)
T.body(conn, "body\r\n")
T.eom(conn, SMFIR_DISCARD)
T.close(conn)
