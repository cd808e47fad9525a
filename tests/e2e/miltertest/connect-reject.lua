-- Connect stage: a client in bad_nets (192.0.2.64/28) is refused at connection
-- information with an SMTP reply (SMFIR_REPLYCODE); the refusal sticks to the
-- connection, so HELO and MAIL on it are refused too. A client just outside the
-- network is not.
-- log: stage=connect rule=blocked-networks mode=\S+ action=reject code=554 enhanced=5\.7\.1 client_ip=192\.0\.2\.66 
-- log: stage=mail rule=blocked-networks mode=\S+ action=reject code=554 enhanced=5\.7\.1 client_ip=192\.0\.2\.66 helo=bad\.client\.test sender=probe@example\.com
local T = dofile(os.getenv("VERDICT_MT_DIR") .. "/lib/common.lua")

local conn = T.open()
T.conninfo(conn, "bad.client.test", "192.0.2.66", SMFIR_REPLYCODE)
T.helo(conn, "bad.client.test", SMFIR_REPLYCODE)
T.mail(conn, "<probe@example.com>", SMFIR_REPLYCODE)
T.close(conn)

-- 192.0.2.80 is outside 192.0.2.64/28.
conn = T.open()
T.conninfo(conn, "near.client.test", "192.0.2.80")
T.helo(conn, "near.client.test")
T.mail(conn, "<probe@example.com>")
T.rcpt(conn, "<alice@example.org>")
T.close(conn)
