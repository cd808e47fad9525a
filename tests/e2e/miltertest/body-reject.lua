-- Body-based rejection at end of message: 554 5.7.0 with the preset's text
-- (preset virus). The link is split across two body chunks. A clean body on
-- the same connection is accepted afterwards.
-- log: stage=eom rule=malware-link mode=\S+ action=reject code=554 enhanced=5\.7\.0 client_ip=203\.0\.113\.15 
local T = dofile(os.getenv("VERDICT_MT_DIR") .. "/lib/common.lua")

local conn = T.open()
T.conninfo(conn, "client.test", "203.0.113.15")
T.helo(conn, "client.test")
T.mail(conn, "<sender@example.com>")
T.rcpt(conn, "<alice@example.org>")
T.header(conn, "Subject", "have a look")
T.eoh(conn)
T.body(conn, "Hello,\r\nplease open http://files.evil.inv")
T.body(conn, "alid/payload now.\r\n")
T.eom(conn, SMFIR_REPLYCODE)
T.expect_reply(conn, "554", "5.7.0", "Message rejected: malware detected")
T.abort(conn)

T.mail(conn, "<sender@example.com>")
T.rcpt(conn, "<alice@example.org>")
T.header(conn, "Subject", "have a look")
T.eoh(conn)
T.body(conn, "Hello,\r\nplease open https://files.example.com/report now.\r\n")
T.eom(conn)
T.expect_no_changes(conn, "clean body")
T.close(conn)
