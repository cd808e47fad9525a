-- HELO stage: a remote client claiming to be one of our hosts is refused
-- (550 5.7.1 "You are not {helo}"); the refusal sticks to the connection. The
-- same HELO from loopback passes (match.not client_ip).
-- log: stage=helo rule=forged-helo mode=\S+ action=reject code=550 enhanced=5\.7\.1 client_ip=203\.0\.113\.10 helo=mx\.example\.org 
-- log: stage=mail rule=forged-helo mode=\S+ action=reject code=550 enhanced=5\.7\.1 client_ip=203\.0\.113\.10 helo=mx\.example\.org sender=probe@example\.com
local T = dofile(os.getenv("VERDICT_MT_DIR") .. "/lib/common.lua")

local conn = T.open()
T.conninfo(conn, "forger.client.test", "203.0.113.10")
T.helo(conn, "mx.example.org", SMFIR_REPLYCODE)
T.mail(conn, "<probe@example.com>", SMFIR_REPLYCODE)
T.close(conn)

conn = T.open()
T.conninfo(conn, "localhost", "127.0.0.1")
T.helo(conn, "mx.example.org")
T.mail(conn, "<probe@example.com>")
T.close(conn)
