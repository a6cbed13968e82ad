/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "xuncha-store.h"
#include "xuncha-wire-delta.h"

G_BEGIN_DECLS

/* The merchants table (门前五包 registry) is this module's: every write to it goes
 * through these functions, from a file import or from the office (HACKING.md, "Tables
 * and their owners"). Reading it is xuncha_merchant_find_near()'s. */

/* One merchant as the table keeps it. Strings are borrowed. */
typedef struct
{
  const char *id;
  const char *name;
  const char *address;
  const char *contact;
  double      lat;
  double      lon;
  /* TRUE: @street_id replaces the merchant's street (NULL, or a street the store does
   * not hold, leaves it without one). FALSE: the link stays as it is; an import links
   * every merchant afterwards with xuncha_merchant_registry_link_all(). */
  gboolean    link_street;
  const char *street_id;
} XunchaMerchantRecord;

/* Inserts or replaces one merchant. @existed (may be NULL) receives whether the id was
 * there before. Joins the caller's transaction. */
gboolean xuncha_merchant_registry_upsert      (XunchaStore                 *store,
                                               const XunchaMerchantRecord  *merchant,
                                               const char                  *updated_at,
                                               gboolean                    *existed,
                                               GError                     **error);
/* Links every merchant to its nearest street segment (at any distance), keeping the
 * distance; @linked receives how many have a street now. Run it in a transaction. */
gboolean xuncha_merchant_registry_link_all    (XunchaStore                 *store,
                                               guint                       *linked,
                                               GError                     **error);
/* Applies the office's merchant delta: new and changed merchants, and deleted ones unless
 * a report names them. @changed grows by the items applied. Run it in a transaction. */
gboolean xuncha_merchant_registry_apply_delta (XunchaStore                 *store,
                                               XunchaWireDelta             *delta,
                                               guint                       *changed,
                                               GError                     **error);

G_END_DECLS
