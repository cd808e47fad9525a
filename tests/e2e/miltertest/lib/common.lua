-- Helpers shared by the miltertest scripts of tests/e2e/miltertest (loaded with
-- dofile(os.getenv("VERDICT_MT_DIR") .. "/lib/common.lua"); the runner sets
-- VERDICT_MT_DIR and VERDICT_MILTER_SOCK). Every check ends the script with
-- error(...), which makes miltertest exit non-zero.
--
-- What miltertest can see: mt.getreply() gives the reply command of the last
-- step (SMFIR_*). Before end of message an SMTP reply set by the filter arrives
-- as SMFIR_REPLYCODE, but miltertest keeps only the command byte, not the code
-- or text; the runner checks those in verdict's decision log instead ("-- log:"
-- lines in the scripts). At end of message, mt.eom_check(conn, MT_SMTPREPLY,
-- code, enhanced, text) compares the whole reply exactly.

local T = {}

local names = {}
for _, n in ipairs({ "SMFIR_CONTINUE", "SMFIR_ACCEPT", "SMFIR_REJECT", "SMFIR_TEMPFAIL",
                     "SMFIR_DISCARD", "SMFIR_REPLYCODE", "SMFIR_SKIP" }) do
    if _G[n] ~= nil then names[_G[n]] = n end
end

-- "SMFIR_CONTINUE ('c')" for a reply command number.
function T.reply_name(r)
    if r == nil then return "nil" end
    local ch = (r > 0 and r < 256) and string.char(r) or "?"
    return (names[r] or "unknown reply") .. " ('" .. ch .. "')"
end

-- Connects to the verdict instance the runner started and negotiates with
-- miltertest's defaults (every protocol step and action offered, like an MTA).
function T.open()
    local sock = os.getenv("VERDICT_MILTER_SOCK")
    if sock == nil or sock == "" then
        error("VERDICT_MILTER_SOCK is not set (run this through tests/e2e/miltertest/run)")
    end
    local conn = mt.connect("unix:" .. sock)
    if conn == nil then error("mt.connect(unix:" .. sock .. ") failed") end
    local err = mt.negotiate(conn, nil, nil, nil)
    if err ~= nil then error("mt.negotiate() failed: " .. tostring(err)) end
    return conn
end

-- Checks that a step succeeded and that the filter answered `want` (an SMFIR_*).
-- `want` may be a list of acceptable replies.
function T.expect(conn, what, err, want)
    if err ~= nil then error(what .. ": miltertest error: " .. tostring(err)) end
    local got = mt.getreply(conn)
    local wants = type(want) == "table" and want or { want }
    for _, w in ipairs(wants) do
        if got == w then return end
    end
    local expected = {}
    for _, w in ipairs(wants) do expected[#expected + 1] = T.reply_name(w) end
    error(what .. ": expected " .. table.concat(expected, " or ") .. ", got " .. T.reply_name(got))
end

-- The message was accepted at end of message: libmilter sends SMFIR_CONTINUE
-- (or SMFIR_ACCEPT) when the filter sets no reply.
T.ACCEPTED = { SMFIR_CONTINUE, SMFIR_ACCEPT }

function T.conninfo(conn, host, ip, want)
    T.expect(conn, "connect " .. host .. " [" .. ip .. "]", mt.conninfo(conn, host, ip), want or SMFIR_CONTINUE)
end

function T.helo(conn, name, want)
    T.expect(conn, "HELO " .. name, mt.helo(conn, name), want or SMFIR_CONTINUE)
end

function T.mail(conn, sender, want)
    T.expect(conn, "MAIL FROM:" .. sender, mt.mailfrom(conn, sender), want or SMFIR_CONTINUE)
end

function T.rcpt(conn, rcpt, want)
    T.expect(conn, "RCPT TO:" .. rcpt, mt.rcptto(conn, rcpt), want or SMFIR_CONTINUE)
end

-- Headers: verdict negotiates SMFIP_NR_HDR (no reply per header), so the reply
-- is not checked here; header rules answer at end of headers.
function T.header(conn, name, value)
    local err = mt.header(conn, name, value)
    if err ~= nil then error("header " .. name .. ": miltertest error: " .. tostring(err)) end
end

function T.eoh(conn, want)
    T.expect(conn, "end of headers", mt.eoh(conn), want or SMFIR_CONTINUE)
end

-- Body chunks: verdict negotiates SMFIP_NR_BODY, so no reply is checked.
function T.body(conn, text)
    local err = mt.bodystring(conn, text)
    if err ~= nil then error("body chunk: miltertest error: " .. tostring(err)) end
end

function T.eom(conn, want)
    T.expect(conn, "end of message", mt.eom(conn), want or T.ACCEPTED)
end

-- Ends the transaction as an MTA does after a refused message (RSET).
function T.abort(conn)
    local err = mt.abort(conn)
    if err ~= nil then error("abort: miltertest error: " .. tostring(err)) end
end

-- Asserts the exact SMTP reply set at end of message.
function T.expect_reply(conn, code, enhanced, text)
    if not mt.eom_check(conn, MT_SMTPREPLY, code, enhanced, text) then
        error("end of message: expected the reply \"" .. code .. " " .. enhanced .. " " .. text ..
              "\" (SMFIR_REPLYCODE), miltertest recorded another or none")
    end
end

-- Asserts that end of message requested no change of any kind and no reply.
function T.expect_no_changes(conn, what)
    local checks = {
        { MT_HDRADD, "a header addition" }, { MT_HDRINSERT, "a header insertion" },
        { MT_HDRCHANGE, "a header change or deletion" }, { MT_BODYCHANGE, "a body change" },
        { MT_QUARANTINE, "quarantine" },
    }
    for _, c in ipairs(checks) do
        if mt.eom_check(conn, c[1]) then error(what .. ": unexpected " .. c[2] .. " at end of message") end
    end
end

function T.expect_option(conn, name, want)
    local got = mt.test_option(conn, _G[name])
    if got ~= want then
        error("negotiation: " .. name .. " expected " .. (want and "requested" or "not requested") ..
              ", but it was " .. (got and "requested" or "not requested"))
    end
end

function T.expect_action(conn, name, want)
    local got = mt.test_action(conn, _G[name])
    if got ~= want then
        error("negotiation: action " .. name .. " expected " .. (want and "requested" or "not requested") ..
              ", but it was " .. (got and "requested" or "not requested"))
    end
end

function T.close(conn)
    mt.disconnect(conn)
end

return T
