-- Connect stage: a whitelisted client (rule trusted-host, action accept) gets
-- SMFIR_ACCEPT at connection information: no further filtering on this
-- connection.
-- log: stage=connect rule=trusted-host mode=\S+ action=accept code=- enhanced=- client_ip=198\.51\.100\.7 
local T = dofile(os.getenv("VERDICT_MT_DIR") .. "/lib/common.lua")

local conn = T.open()
T.conninfo(conn, "partner.example.net", "198.51.100.7", SMFIR_ACCEPT)
T.close(conn)
