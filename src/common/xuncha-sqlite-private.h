/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <sqlite3.h>

G_BEGIN_DECLS

/* Statements from xuncha_store_prepare() are owned by the store's cache and must not be
 * finalized; this cleanup is for one-off statements made with sqlite3_prepare_v2(). */
G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)

G_END_DECLS
