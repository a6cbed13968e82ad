/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "xuncha-location-source.h"

G_BEGIN_DECLS

#define XUNCHA_TYPE_REPLAY_SOURCE (xuncha_replay_source_get_type ())

G_DECLARE_FINAL_TYPE (XunchaReplaySource, xuncha_replay_source, XUNCHA, REPLAY_SOURCE, GObject)

/* A location source that plays back recorded fixes with their original times, at
 * @speed times real time (1 = real time; 0 or less = as fast as the main loop runs).
 * Playback runs on the thread-default main context of start(); at the end the state
 * becomes finished. Starting a finished (or stopped) replay plays it again from the start. */
XunchaReplaySource *xuncha_replay_source_new           (const XunchaFix  *fixes,
                                                        gsize             n_fixes,
                                                        double            speed);
/* Reads a GPX or NMEA log with xuncha_track_file_load(). */
XunchaReplaySource *xuncha_replay_source_new_from_file (const char       *path,
                                                        double            speed,
                                                        GError          **error);

gsize               xuncha_replay_source_get_n_fixes   (XunchaReplaySource *self);
/* How many fixes were played so far. */
gsize               xuncha_replay_source_get_position  (XunchaReplaySource *self);

G_END_DECLS
