-- remove_rcpt: the matching recipient is removed at end of message
-- (SMFIR_DELRCPT, in angle brackets); the other recipient stays.
local T = dofile(os.getenv("VERDICT_MT_DIR") .. "/lib/common.lua")

local conn = T.open()
T.conninfo(conn, "client.test", "203.0.113.23")
T.helo(conn, "client.test")
T.mail(conn, "<sender@example.com>")
T.rcpt(conn, "<alice@example.org>")
T.rcpt(conn, "<drop-me@example.net>")
T.header(conn, "Subject", "two recipients")
T.eoh(conn)
T.body(conn, "body\r\n")
T.eom(conn)
if not mt.eom_check(conn, MT_RCPTDELETE, "<drop-me@example.net>") then
    error("no SMFIR_DELRCPT <drop-me@example.net> at end of message")
end
if mt.eom_check(conn, MT_RCPTDELETE, "<alice@example.org>") then error("alice was removed as well") end
T.close(conn)
