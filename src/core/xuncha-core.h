/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* The public face of libxuncha-core, for the app, the CLI and the office server. */

#include "xuncha-category.h"
#include "xuncha-coverage.h"
#include "xuncha-crs.h"
#include "xuncha-due-reinspection.h"
#include "xuncha-fix.h"
#include "xuncha-mbtiles.h"
#include "xuncha-patrol-session.h"
#include "xuncha-fix-filter.h"
#include "xuncha-geoclue-source.h"
#include "xuncha-location-source.h"
#include "xuncha-replay-source.h"
#include "xuncha-route-summary.h"
#include "xuncha-shift.h"
#include "xuncha-shift-recorder.h"
#include "xuncha-track-file.h"
#include "xuncha-map-importer.h"
#include "xuncha-store.h"
#include "xuncha-street-map.h"
#include "xuncha-street-segment.h"
#include "xuncha-taxonomy.h"
