/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* The public face of libxuncha-core, for the app, the CLI and the office server. */

#include "xuncha-category.h"
#include "xuncha-credentials.h"
#include "xuncha-fix.h"
#include "xuncha-http.h"
#include "xuncha-outbox.h"
#include "xuncha-protocol.h"
#include "xuncha-store.h"
#include "xuncha-sync.h"
#include "xuncha-sync-result.h"
#include "xuncha-taxonomy.h"
#include "xuncha-wire-delta.h"
#include "xuncha-wire-report.h"
#include "xuncha-wire-shift.h"
