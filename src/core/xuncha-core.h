/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* The public face of libxuncha-core, for the app, the CLI and the office server. */

#include "xuncha-category.h"
#include "xuncha-fix.h"
#include "xuncha-jpeg.h"
#include "xuncha-photo-meta.h"
#include "xuncha-photo-store.h"
#include "xuncha-report.h"
#include "xuncha-report-store.h"
#include "xuncha-store.h"
#include "xuncha-taxonomy.h"
#include "xuncha-time-correlator.h"
