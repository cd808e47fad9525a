-- add_header: the header is added at end of message with its placeholders
-- expanded ({rule}, {client_ip}); a message from another sender on the same
-- connection gets no header.
local T = dofile(os.getenv("VERDICT_MT_DIR") .. "/lib/common.lua")

local want = "checked by tag-checked for 203.0.113.20"
local conn = T.open()
T.conninfo(conn, "client.test", "203.0.113.20")
T.helo(conn, "client.test")
T.mail(conn, "<tag@example.com>")
T.rcpt(conn, "<alice@example.org>")
T.header(conn, "Subject", "tag me")
T.eoh(conn)
T.body(conn, "body\r\n")
T.eom(conn)
if not mt.eom_check(conn, MT_HDRADD, "X-Verdict") then error("no X-Verdict header added") end
local got = mt.getheader(conn, "X-Verdict", 0)
if got ~= want then
    error("X-Verdict: expected \"" .. want .. "\", got \"" .. tostring(got) .. "\"")
end
if not mt.eom_check(conn, MT_HDRADD, "X-Verdict", want) then error("MT_HDRADD X-Verdict with value failed") end
if mt.getheader(conn, "X-Verdict", 1) ~= nil then error("X-Verdict added more than once") end

T.mail(conn, "<other@example.com>")
T.rcpt(conn, "<alice@example.org>")
T.header(conn, "Subject", "leave me")
T.eoh(conn)
T.body(conn, "body\r\n")
T.eom(conn)
T.expect_no_changes(conn, "message from another sender")
T.close(conn)
