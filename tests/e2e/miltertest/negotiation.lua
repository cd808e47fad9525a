-- Negotiation with the full rule file: verdict asks for exactly the actions its
-- rules use, and for headers, end of headers and the body (header and body
-- rules exist), without replies per header or body chunk; no DATA step.
local T = dofile(os.getenv("VERDICT_MT_DIR") .. "/lib/common.lua")

local conn = T.open()
for _, a in ipairs({ "SMFIF_ADDHDRS", "SMFIF_CHGHDRS", "SMFIF_ADDRCPT", "SMFIF_DELRCPT",
                     "SMFIF_QUARANTINE", "SMFIF_SETSYMLIST" }) do
    T.expect_action(conn, a, true)
end
for _, a in ipairs({ "SMFIF_CHGBODY", "SMFIF_CHGFROM" }) do T.expect_action(conn, a, false) end
for _, o in ipairs({ "SMFIP_NOHDRS", "SMFIP_NOEOH", "SMFIP_NOBODY", "SMFIP_NOCONNECT", "SMFIP_NOHELO",
                     "SMFIP_NOMAIL", "SMFIP_NORCPT" }) do
    T.expect_option(conn, o, false)
end
for _, o in ipairs({ "SMFIP_NR_HDR", "SMFIP_NR_BODY", "SMFIP_NODATA", "SMFIP_NOUNKNOWN" }) do
    T.expect_option(conn, o, true)
end
T.close(conn)
