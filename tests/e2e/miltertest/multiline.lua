-- Multiline reply at end of message: three lines, "550-5.7.1 " on all but the
-- last, "550 5.7.1 " on the last, CRLF between them, placeholders expanded.
-- log: stage=eom rule=multiline mode=\S+ action=reject code=550 enhanced=5\.7\.1 client_ip=203\.0\.113\.16 
local T = dofile(os.getenv("VERDICT_MT_DIR") .. "/lib/common.lua")

local conn = T.open()
T.conninfo(conn, "client.test", "203.0.113.16")
T.helo(conn, "client.test")
T.mail(conn, "<sender@example.com>")
T.rcpt(conn, "<alice@example.org>")
T.header(conn, "X-Test-Verdict", "multiline")
T.eoh(conn)
T.body(conn, "body\r\n")
T.eom(conn, SMFIR_REPLYCODE)
-- eom_check joins its arguments as "CODE ENHANCED TEXT"; the leading lines go
-- into CODE so that the whole reply is compared.
T.expect_reply(conn,
    "550-5.7.1 Message rejected as spam.\r\n" ..
    "550-5.7.1 Contact postmaster@example.org if this is wrong.\r\n" ..
    "550", "5.7.1", "Rule multiline.")
T.close(conn)
