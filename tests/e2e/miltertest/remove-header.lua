-- remove_header: every instance of the header is deleted at end of message
-- (SMFIR_CHGHEADER with an empty value, one per index); other headers stay.
local T = dofile(os.getenv("VERDICT_MT_DIR") .. "/lib/common.lua")

local conn = T.open()
T.conninfo(conn, "client.test", "203.0.113.21")
T.helo(conn, "client.test")
T.mail(conn, "<strip@example.com>")
T.rcpt(conn, "<alice@example.org>")
T.header(conn, "X-Spam-Flag", "YES")
T.header(conn, "Subject", "strip me")
T.header(conn, "X-Spam-Flag", "YES")
T.eoh(conn)
T.body(conn, "body\r\n")
T.eom(conn)
if not mt.eom_check(conn, MT_HDRCHANGE, "X-Spam-Flag") then error("X-Spam-Flag not changed") end
for i = 1, 2 do
    if not mt.eom_check(conn, MT_HDRDELETE, "X-Spam-Flag", i) then
        error("X-Spam-Flag instance " .. i .. " not deleted")
    end
end
if mt.eom_check(conn, MT_HDRDELETE, "X-Spam-Flag", 3) then error("deleted a third X-Spam-Flag that does not exist") end
if mt.eom_check(conn, MT_HDRCHANGE, "Subject") then error("Subject was changed") end
if mt.eom_check(conn, MT_HDRADD) then error("a header was added") end
T.close(conn)
