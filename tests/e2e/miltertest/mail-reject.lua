-- MAIL stage: an unauthenticated sender in our own domain is refused with
-- 553 5.1.8 (preset bad_sender_domain, own text); after SASL login ({auth_authen}
-- macro) the same sender is accepted on the same connection.
-- log: stage=mail rule=spoofed-sender mode=\S+ action=reject code=553 enhanced=5\.1\.8 client_ip=203\.0\.113\.11 helo=client\.test sender=someone@example\.org rcpt=-
local T = dofile(os.getenv("VERDICT_MT_DIR") .. "/lib/common.lua")

local conn = T.open()
T.conninfo(conn, "client.test", "203.0.113.11")
T.helo(conn, "client.test")
T.mail(conn, "<someone@example.org>", SMFIR_REPLYCODE)
T.abort(conn)

local err = mt.macro(conn, SMFIC_MAIL, "{auth_authen}", "someone")
if err ~= nil then error("mt.macro: " .. tostring(err)) end
T.mail(conn, "<someone@example.org>")
T.rcpt(conn, "<alice@example.org>")
T.close(conn)
