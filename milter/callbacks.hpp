// The libmilter callback table (callbacks.cpp).
#pragma once

#include <libmilter/mfapi.h>

namespace verdict::milter {

// Every callback verdict implements; `actions` are the SMFIF_* flags registered (the
// superset negotiation may request from).
smfiDesc make_description(unsigned long actions);

}  // namespace verdict::milter
