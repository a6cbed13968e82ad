/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* The public face of libxuncha-core, for the app, the CLI and the office server. */

#include "xuncha-category.h"
#include "xuncha-fix.h"
#include "xuncha-protocol.h"
#include "xuncha-store.h"
#include "xuncha-taxonomy.h"
#include "xuncha-wire-delta.h"
#include "xuncha-wire-report.h"
#include "xuncha-wire-shift.h"
