/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "xuncha-core.h"

G_BEGIN_DECLS

/* A synthetic city around Nanchong's centre: a grid of @n segments about 100 m long, with
 * the class mix of a real district (2 % strict, 8 % class 1, 20 % class 2, the rest minor
 * streets). Deterministic. */
GPtrArray *bench_city_segments      (guint        n,
                                     double      *centre_lat,
                                     double      *centre_lon);
/* Writes those segments into the store's streets table in one transaction. */
void       bench_city_store_streets (XunchaStore *store,
                                     GPtrArray   *segments);
/* Writes @n reports (no photos), about 54 a day going back from now. */
void       bench_city_store_reports (XunchaStore *store,
                                     guint        n,
                                     double       centre_lat,
                                     double       centre_lon);

G_END_DECLS
