/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* The public face of libxuncha-core, for the app, the CLI and the office server. */

#include "xuncha-category.h"
#include "xuncha-coverage.h"
#include "xuncha-crs.h"
#include "xuncha-fix.h"
#include "xuncha-map-importer.h"
#include "xuncha-store.h"
#include "xuncha-street-map.h"
#include "xuncha-street-segment.h"
#include "xuncha-taxonomy.h"
