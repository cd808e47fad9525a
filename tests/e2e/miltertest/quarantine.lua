-- Quarantine: a header-stage rule holds the message; verdict continues at end
-- of headers and requests quarantine at end of message with the reason
-- "verdict rule <name>"; the message itself is accepted (held by the MTA).
-- log: stage=eom rule=hold-flagged mode=\S+ action=quarantine .*client_ip=203\.0\.113\.19 
local T = dofile(os.getenv("VERDICT_MT_DIR") .. "/lib/common.lua")

local conn = T.open()
T.conninfo(conn, "client.test", "203.0.113.19")
T.helo(conn, "client.test")
T.mail(conn, "<sender@example.com>")
T.rcpt(conn, "<alice@example.org>")
T.header(conn, "Subject", "hold me")
T.header(conn, "X-Hold", "yes")
T.eoh(conn)
T.body(conn, "body\r\n")
T.eom(conn)
if not mt.eom_check(conn, MT_QUARANTINE, "verdict rule hold-flagged") then
    if mt.eom_check(conn, MT_QUARANTINE) then
        error("quarantine requested, but not with the reason \"verdict rule hold-flagged\"")
    end
    error("no quarantine requested at end of message")
end
T.close(conn)
