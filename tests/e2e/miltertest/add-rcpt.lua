-- add_rcpt: mail for postmaster gets an archive copy (SMFIR_ADDRCPT at end of
-- message, the address in angle brackets).
local T = dofile(os.getenv("VERDICT_MT_DIR") .. "/lib/common.lua")

local conn = T.open()
T.conninfo(conn, "client.test", "203.0.113.22")
T.helo(conn, "client.test")
T.mail(conn, "<sender@example.com>")
T.rcpt(conn, "<postmaster@example.org>")
T.header(conn, "Subject", "for the postmaster")
T.eoh(conn)
T.body(conn, "body\r\n")
T.eom(conn)
if not mt.eom_check(conn, MT_RCPTADD, "<archive@example.org>") then
    error("no SMFIR_ADDRCPT <archive@example.org> at end of message")
end
if mt.eom_check(conn, MT_RCPTDELETE, "<postmaster@example.org>") then error("postmaster was removed") end
T.close(conn)
