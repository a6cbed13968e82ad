/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* The toasts one page (or one step) raised on an overlay, so that they can go when the page
 * does: a toast left up covers the next page's controls. */
typedef struct _XunchaScopedToasts XunchaScopedToasts;

XunchaScopedToasts *xuncha_scoped_toasts_new         (AdwToastOverlay    *overlay);
void                xuncha_scoped_toasts_free        (XunchaScopedToasts *self);
/* Shows @toast (taking it) on the overlay, kept with the others. */
void                xuncha_scoped_toasts_add         (XunchaScopedToasts *self,
                                                      AdwToast           *toast);
/* Dismisses every toast still up or queued; one that has not been up long is dismissed a
 * moment later (see the .c file). */
void                xuncha_scoped_toasts_dismiss_all (XunchaScopedToasts *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (XunchaScopedToasts, xuncha_scoped_toasts_free)

G_END_DECLS
