/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The contract every records backend keeps for the console (XunchaOfficeStaffRecords):
 * accounts, passwords, sessions and their timeouts' bookkeeping, failed logins and the
 * audit log, written with the change it describes. The same cases run on SQLite and on
 * PostgreSQL (XUNCHA_TEST_BACKEND=postgresql, a throwaway cluster). */
#include "config.h"

#include "xuncha-office-backend.h"
#include "xuncha-office-password.h"
#include "xuncha-office-staff-records.h"
#include "xuncha-test-util.h"
#if HAVE_POSTGRESQL
#include "xuncha-test-postgres.h"
#endif

typedef struct
{
  char                     *dir;
  char                     *database;   /* NULL: SQLite in dir */
  XunchaOfficeRecords      *records;
  XunchaOfficeStaffRecords *staff;      /* the same object */
} Fixture;

static char *unavailable;

static gboolean
on_postgresql (void)
{
  return g_strcmp0 (g_getenv ("XUNCHA_TEST_BACKEND"), "postgresql") == 0;
}

static void
test_unavailable (void)
{
  g_test_skip (unavailable);
}

static XunchaOfficeRecords *
open_backend (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaOfficePhotoStore) photos = NULL;
  XunchaOfficeRecords *records = NULL;

  g_assert_true (xuncha_office_backend_open (f->database, f->dir, 4, &records, &photos, &error));
  g_assert_no_error (error);
  return records;
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->dir = xuncha_test_make_tmpdir ();
#if HAVE_POSTGRESQL
  if (on_postgresql ())
    {
      g_autoptr(GError) error = NULL;

      f->database = xuncha_test_postgres_new_database (&error);
      g_assert_no_error (error);
    }
#endif
  f->records = open_backend (f);
  g_assert_true (XUNCHA_IS_OFFICE_STAFF_RECORDS (f->records));
  f->staff = XUNCHA_OFFICE_STAFF_RECORDS (f->records);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->records);
  xuncha_test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->database);
}

static char *
add_account (Fixture               *f,
             const char            *name,
             XunchaOfficeStaffRole  role,
             const char            *team)
{
  g_autoptr(GError) error = NULL;
  char *password = NULL;

  g_assert_true (xuncha_office_staff_records_add_account (f->staff, name, role, team, "tester",
                                                          &password, &error));
  g_assert_no_error (error);
  return password;
}

static XunchaOfficeStaffSession *
make_session (const char *id,
              const char *name,
              gint64      at)
{
  XunchaOfficeStaffSession *session = xuncha_office_staff_session_new ();

  session->id_sha256 = g_compute_checksum_for_string (G_CHECKSUM_SHA256, id, -1);
  session->staff_name = g_strdup (name);
  session->csrf_token = g_strdup_printf ("csrf-%s", id);
  session->created_at = at;
  session->seen_at = at;
  return session;
}

/* An account is kept with its role, team and a hash that checks the one-time password,
 * which must be changed; a second account of the same name is refused and changes
 * nothing. */
static void
test_accounts (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *password = add_account (f, "陈-lead_1", XUNCHA_OFFICE_STAFF_ROLE_LEADER,
                                           "一中队");
  g_autofree char *dispatcher = add_account (f, "dispatch", XUNCHA_OFFICE_STAFF_ROLE_DISPATCHER,
                                             NULL);
  g_autofree char *again = NULL;
  g_autoptr(XunchaOfficeStaff) staff = NULL;
  g_autoptr(GPtrArray) list = NULL;

  staff = xuncha_office_staff_records_staff_get (f->staff, "陈-lead_1", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (staff->name, ==, "陈-lead_1");
  g_assert_cmpint (staff->role, ==, XUNCHA_OFFICE_STAFF_ROLE_LEADER);
  g_assert_cmpstr (staff->team, ==, "一中队");
  g_assert_true (staff->must_change);
  g_assert_false (staff->disabled);
  g_assert_true (g_str_has_prefix (staff->password_hash, "$argon2id$"));
  g_assert_true (xuncha_office_password_verify (staff->password_hash, password));
  g_assert_false (xuncha_office_password_verify (staff->password_hash, dispatcher));

  g_assert_false (xuncha_office_staff_records_add_account (f->staff, "dispatch",
                                                           XUNCHA_OFFICE_STAFF_ROLE_ADMIN, NULL,
                                                           "tester", &again, &error));
  g_assert_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_CONFLICT);
  g_assert_null (again);
  g_clear_error (&error);

  list = xuncha_office_staff_records_staff_list (f->staff, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 2);
  g_assert_cmpstr (((XunchaOfficeStaff *)list->pdata[0])->name, ==, "dispatch");
  g_assert_cmpint (((XunchaOfficeStaff *)list->pdata[0])->role, ==,
                   XUNCHA_OFFICE_STAFF_ROLE_DISPATCHER);

  g_assert_null (xuncha_office_staff_records_staff_get (f->staff, "nobody", &error));
  g_assert_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_NOT_FOUND);
}

/* Bad names and teams are refused before anything is written. */
static void
test_account_checks (Fixture       *f,
                     gconstpointer  data)
{
  static const char * const bad_names[] = { "", "a b", "<script>", "a/b", "x\n",
    "0123456789012345678901234567890123456789012345678901234567890123456789" };
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (bad_names); i++)
    {
      char *password = NULL;

      g_assert_false (xuncha_office_staff_records_add_account (f->staff, bad_names[i],
                                                               XUNCHA_OFFICE_STAFF_ROLE_ADMIN,
                                                               NULL, "tester", &password,
                                                               &error));
      g_assert_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_INVALID);
      g_clear_error (&error);
    }
  {
    char *password = NULL;

    /* A leader without a team, a dispatcher with one. */
    g_assert_false (xuncha_office_staff_records_add_account (f->staff, "lead",
                                                             XUNCHA_OFFICE_STAFF_ROLE_LEADER,
                                                             NULL, "tester", &password, &error));
    g_assert_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_INVALID);
    g_clear_error (&error);
    g_assert_false (xuncha_office_staff_records_add_account (f->staff, "disp",
                                                             XUNCHA_OFFICE_STAFF_ROLE_DISPATCHER,
                                                             "T1", "tester", &password, &error));
    g_assert_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_INVALID);
    g_clear_error (&error);
  }
  list = xuncha_office_staff_records_staff_list (f->staff, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 0);
}

/* Sessions are kept by their hash, touched forward only, ended once; a new password ends
 * every session of the account; a new session sweeps out the ones idle too long. */
static void
test_sessions (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *a = add_account (f, "alice", XUNCHA_OFFICE_STAFF_ROLE_ADMIN, NULL);
  g_autofree char *b = add_account (f, "bob", XUNCHA_OFFICE_STAFF_ROLE_DISPATCHER, NULL);
  g_autoptr(XunchaOfficeStaffSession) s1 = make_session ("one", "alice", 1000);
  g_autoptr(XunchaOfficeStaffSession) s2 = make_session ("two", "alice", 2000);
  g_autoptr(XunchaOfficeStaffSession) s3 = make_session ("three", "bob", 3000);
  g_autoptr(XunchaOfficeStaffSession) ghost = make_session ("four", "nobody", 3000);
  g_autoptr(XunchaOfficeStaffSession) got = NULL;
  g_autofree char *hash = xuncha_office_password_hash ("a new password!", &error);
  g_autoptr(XunchaOfficeAuditEntry) audit = xuncha_office_audit_entry_new ("alice",
                                                                           "password.change",
                                                                           "alice", NULL, NULL);

  g_assert_no_error (error);
  g_assert_true (xuncha_office_staff_records_session_add (f->staff, s1, 0, NULL, &error));
  g_assert_true (xuncha_office_staff_records_session_add (f->staff, s2, 0, NULL, &error));
  g_assert_true (xuncha_office_staff_records_session_add (f->staff, s3, 0, NULL, &error));
  g_assert_no_error (error);
  g_assert_false (xuncha_office_staff_records_session_add (f->staff, ghost, 0, NULL, &error));
  g_assert_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  got = xuncha_office_staff_records_session_get (f->staff, s2->id_sha256, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (got->staff_name, ==, "alice");
  g_assert_cmpstr (got->csrf_token, ==, "csrf-two");
  g_assert_cmpint (got->created_at, ==, 2000);
  g_clear_pointer (&got, xuncha_office_staff_session_free);

  g_assert_true (xuncha_office_staff_records_session_touch (f->staff, s2->id_sha256, 5000,
                                                            &error));
  g_assert_true (xuncha_office_staff_records_session_touch (f->staff, s2->id_sha256, 4000,
                                                            &error));
  g_assert_no_error (error);
  got = xuncha_office_staff_records_session_get (f->staff, s2->id_sha256, &error);
  g_assert_cmpint (got->seen_at, ==, 5000);
  g_assert_cmpint (got->created_at, ==, 2000);
  g_clear_pointer (&got, xuncha_office_staff_session_free);

  /* A new password: both of alice's sessions end, bob's stays. */
  g_assert_true (xuncha_office_staff_records_staff_set_password (f->staff, "alice", hash, FALSE,
                                                                 audit, &error));
  g_assert_no_error (error);
  g_assert_null (xuncha_office_staff_records_session_get (f->staff, s1->id_sha256, &error));
  g_assert_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_null (xuncha_office_staff_records_session_get (f->staff, s2->id_sha256, &error));
  g_clear_error (&error);
  got = xuncha_office_staff_records_session_get (f->staff, s3->id_sha256, &error);
  g_assert_no_error (error);
  g_clear_pointer (&got, xuncha_office_staff_session_free);
  {
    g_autoptr(XunchaOfficeStaff) alice = xuncha_office_staff_records_staff_get (f->staff, "alice",
                                                                                &error);

    g_assert_false (alice->must_change);
    g_assert_true (xuncha_office_password_verify (alice->password_hash, "a new password!"));
    g_assert_false (xuncha_office_password_verify (alice->password_hash, a));
  }

  /* Ended twice: the second changes nothing and is no error. */
  g_assert_true (xuncha_office_staff_records_session_end (f->staff, s3->id_sha256, NULL, &error));
  g_assert_true (xuncha_office_staff_records_session_end (f->staff, s3->id_sha256, NULL, &error));
  g_assert_no_error (error);
  g_assert_null (xuncha_office_staff_records_session_get (f->staff, s3->id_sha256, &error));
  g_clear_error (&error);

  /* Idle ones are swept out when a new one comes. */
  {
    g_autoptr(XunchaOfficeStaffSession) old = make_session ("old", "bob", 100);
    g_autoptr(XunchaOfficeStaffSession) fresh = make_session ("fresh", "bob", 10000);

    g_assert_true (xuncha_office_staff_records_session_add (f->staff, old, 0, NULL, &error));
    g_assert_true (xuncha_office_staff_records_session_add (f->staff, fresh, 9000, NULL, &error));
    g_assert_no_error (error);
    g_assert_null (xuncha_office_staff_records_session_get (f->staff, old->id_sha256, &error));
    g_assert_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_NOT_FOUND);
    g_clear_error (&error);
  }
  g_assert_false (xuncha_office_staff_records_staff_set_password (f->staff, "nobody", hash,
                                                                  FALSE, audit, &error));
  g_assert_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_NOT_FOUND);
}

/* Failed logins: kept up to the limit, oldest forgotten first, and forgotten once older
 * than asked for. */
static void
test_login_failures (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) failures = NULL;

  for (gint64 i = 1; i <= 6; i++)
    {
      g_autofree char *name = g_strdup_printf ("name%" G_GINT64_FORMAT, i);
      g_autoptr(XunchaOfficeEnrollFailure) failure =
        xuncha_office_enroll_failure_new (name, "192.0.2.1", i * 100);

      g_assert_true (xuncha_office_staff_records_login_failure_add (f->staff, failure, 4,
                                                                    &error));
      g_assert_no_error (error);
    }
  failures = xuncha_office_staff_records_login_failures (f->staff, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (failures->len, ==, 4);
  g_assert_cmpstr (((XunchaOfficeEnrollFailure *)failures->pdata[0])->officer_id, ==, "name3");
  g_assert_cmpint (((XunchaOfficeEnrollFailure *)failures->pdata[3])->at, ==, 600);
  g_clear_pointer (&failures, g_ptr_array_unref);

  failures = xuncha_office_staff_records_login_failures (f->staff, 500, &error);
  g_assert_cmpuint (failures->len, ==, 2);
  g_clear_pointer (&failures, g_ptr_array_unref);
  failures = xuncha_office_staff_records_login_failures (f->staff, 0, &error);
  g_assert_cmpuint (failures->len, ==, 2);
}

/* Every change is in the audit log with its actor and before → after, newest first,
 * paged by id; a refused change leaves no line. */
static void
test_audit (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *a = add_account (f, "alice", XUNCHA_OFFICE_STAFF_ROLE_LEADER, "T1");
  g_autofree char *one_time = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GPtrArray) older = NULL;
  XunchaOfficeAuditEntry *entry;

  g_assert_true (xuncha_office_staff_records_reset_password (f->staff, "alice", "boss",
                                                             &one_time, &error));
  g_assert_no_error (error);
  g_assert_false (xuncha_office_staff_records_reset_password (f->staff, "nobody", "boss",
                                                              &a, &error));
  g_assert_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  for (int i = 0; i < 3; i++)
    {
      g_autoptr(XunchaOfficeAuditEntry) login = xuncha_office_audit_entry_new ("alice", "login",
                                                                               NULL, NULL,
                                                                               "192.0.2.7");

      g_assert_true (xuncha_office_staff_records_audit_add (f->staff, login, &error));
      g_assert_no_error (error);
    }

  entries = xuncha_office_staff_records_audit_list (f->staff, 0, 3, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 3);
  entry = entries->pdata[0];
  g_assert_cmpstr (entry->action, ==, "login");
  g_assert_cmpstr (entry->after, ==, "192.0.2.7");
  g_assert_cmpint (entry->at, >, 0);

  older = xuncha_office_staff_records_audit_list (f->staff,
                                                  ((XunchaOfficeAuditEntry *)entries->pdata[2])->id,
                                                  10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (older->len, ==, 2);
  entry = older->pdata[0];
  g_assert_cmpstr (entry->actor, ==, "boss");
  g_assert_cmpstr (entry->action, ==, "password.reset");
  g_assert_cmpstr (entry->subject, ==, "alice");
  entry = older->pdata[1];
  g_assert_cmpstr (entry->actor, ==, "tester");
  g_assert_cmpstr (entry->action, ==, "staff.add");
  g_assert_cmpstr (entry->after, ==, "role=leader team=T1");
}

/* The console's officers: each with his team, whether he is revoked, whether a code is
 * waiting, his devices, his newest report's arrival and his segments; by team, then id,
 * those without a team last; one team's or one officer's alone. */
static void
test_officer_states (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  XunchaWireOfficer a = { "A1", "甲", "T1", TRUE }, b = { "B2", "乙", "T2", FALSE };
  XunchaWireOfficer c = { "C3", "丙", NULL, FALSE }, d = { "A0", "丁", "T1", FALSE };
  g_autofree char *code_a = NULL, *code_b = NULL, *code_c = NULL, *code_d = NULL;
  g_autofree char *token = NULL;
  g_auto(XunchaWireOfficer) enrolled = { 0 };
  g_autoptr(GPtrArray) streets = g_ptr_array_new_with_free_func (
    (GDestroyNotify)xuncha_office_street_free);
  g_autoptr(XunchaWireReport) report = NULL;
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GPtrArray) team = NULL;
  g_autoptr(GPtrArray) one = NULL;
  const char *assigned[] = { "s-1", "s-2", NULL };
  const XunchaOfficeOfficerState *state;
  XunchaOfficeReceipt receipt = { 0 };
  gboolean created = FALSE;
  gint64 revision = 0;
  guint changed = 0, deleted = 0;

  for (guint i = 1; i <= 2; i++)
    {
      XunchaOfficeStreet *street = xuncha_office_street_new ();
      GArray *line = g_array_new (FALSE, FALSE, sizeof (double));
      double coordinates[] = { 104.06 + i * 0.001, 30.65, 104.061 + i * 0.001, 30.651 };

      street->id = g_strdup_printf ("s-%u", i);
      street->name = g_strdup ("陈寿路");
      street->street_class = g_strdup ("strict");
      g_array_append_vals (line, coordinates, G_N_ELEMENTS (coordinates));
      g_ptr_array_add (street->lines, line);
      g_ptr_array_add (streets, street);
    }
  g_assert_true (xuncha_office_records_streets_import (f->records, streets, &revision, &changed,
                                                       &deleted, &error));
  g_assert_no_error (error);
  g_assert_true (xuncha_office_records_officer_add (f->records, &a, &code_a, &error));
  g_assert_true (xuncha_office_records_officer_add (f->records, &b, &code_b, &error));
  g_assert_true (xuncha_office_records_officer_add (f->records, &c, &code_c, &error));
  g_assert_true (xuncha_office_records_officer_add (f->records, &d, &code_d, &error));
  g_assert_true (xuncha_office_records_enroll (f->records, "A1", code_a, "phone", &token,
                                               &enrolled, &error));
  g_assert_no_error (error);
  g_assert_true (xuncha_office_records_assign_streets (f->records, "A1", assigned, &error));
  report = xuncha_wire_report_decode ("{\"uuid\": \"0b9c2f4e-1c2b-4d5e-8f90-a1b2c3d4e5f6\", "
                                      "\"created_at\": \"2024-05-01T08:30:00Z\", "
                                      "\"category\": \"09006\", \"fields\": {}, "
                                      "\"photos\": []}", -1, &error);
  g_assert_no_error (error);
  g_assert_true (xuncha_office_records_report_put (f->records, &a, report, &created, &receipt,
                                                   &error));
  g_assert_no_error (error);
  g_assert_true (xuncha_office_records_officer_revoke (f->records, "B2", &error));
  g_assert_no_error (error);
  /* A sync's who-am-I; a token no device holds changes nothing. */
  g_assert_true (xuncha_office_records_device_seen (f->records, token, 1714552200000000,
                                                    &error));
  g_assert_no_error (error);
  g_assert_true (xuncha_office_records_device_seen (f->records, "no such token",
                                                    1814552200000000, &error));
  g_assert_no_error (error);

  all = xuncha_office_staff_records_officer_states (f->staff, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (all->len, ==, 4);
  g_assert_cmpstr (((XunchaOfficeOfficerState *)all->pdata[0])->officer.id, ==, "A0");
  g_assert_cmpstr (((XunchaOfficeOfficerState *)all->pdata[1])->officer.id, ==, "A1");
  g_assert_cmpstr (((XunchaOfficeOfficerState *)all->pdata[2])->officer.id, ==, "B2");
  g_assert_cmpstr (((XunchaOfficeOfficerState *)all->pdata[3])->officer.id, ==, "C3");
  state = all->pdata[1];
  g_assert_cmpstr (state->officer.name, ==, "甲");
  g_assert_cmpstr (state->officer.team, ==, "T1");
  g_assert_true (state->officer.leader);
  g_assert_false (state->revoked);
  g_assert_false (state->code_open);
  g_assert_cmpuint (state->devices, ==, 1);
  g_assert_cmpuint (state->segments, ==, 2);
  g_assert_cmpstr (state->last_received, ==, receipt.received_at);
  g_assert_cmpint (state->last_sync_us, ==, 1714552200000000);
  state = all->pdata[0];
  g_assert_true (state->code_open);
  g_assert_cmpuint (state->devices, ==, 0);
  g_assert_null (state->last_received);
  g_assert_cmpint (state->last_sync_us, ==, 0);
  state = all->pdata[2];
  g_assert_true (state->revoked);
  g_assert_false (state->code_open);
  state = all->pdata[3];
  g_assert_null (state->officer.team);

  team = xuncha_office_staff_records_officer_states (f->staff, "T1", NULL, &error);
  g_assert_cmpuint (team->len, ==, 2);
  one = xuncha_office_staff_records_officer_states (f->staff, NULL, "B2", &error);
  g_assert_cmpuint (one->len, ==, 1);
  g_clear_pointer (&one, g_ptr_array_unref);
  one = xuncha_office_staff_records_officer_states (f->staff, "T1", "B2", &error);
  g_assert_cmpuint (one->len, ==, 0);
  xuncha_office_receipt_clear (&receipt);
}

/* The audit log's entries, newest first. */
static GPtrArray *
audit_entries (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *entries = xuncha_office_staff_records_audit_list (f->staff, 0, 100, &error);

  g_assert_no_error (error);
  return entries;
}

static void
assert_newest_entry (Fixture    *f,
                     guint       count,
                     const char *action,
                     const char *subject,
                     const char *before,
                     const char *after)
{
  g_autoptr(GPtrArray) entries = audit_entries (f);
  const XunchaOfficeAuditEntry *entry;

  g_assert_cmpuint (entries->len, ==, count);
  entry = entries->pdata[0];
  g_assert_cmpstr (entry->actor, ==, "admin");
  g_assert_cmpstr (entry->action, ==, action);
  g_assert_cmpstr (entry->subject, ==, subject);
  g_assert_cmpstr (entry->before, ==, before);
  g_assert_cmpstr (entry->after, ==, after);
  g_assert_cmpint (entry->at, >, 0);
}

static XunchaOfficeOfficerState *
officer_state (Fixture    *f,
               const char *id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) found = xuncha_office_staff_records_officer_states (f->staff, NULL, id,
                                                                           &error);

  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 1);
  return g_ptr_array_steal_index (found, 0);
}

static void
import_streets (Fixture *f,
                guint    count)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) streets = g_ptr_array_new_with_free_func (
    (GDestroyNotify)xuncha_office_street_free);
  gint64 revision = 0;
  guint changed = 0, deleted = 0;

  for (guint i = 1; i <= count; i++)
    {
      XunchaOfficeStreet *street = xuncha_office_street_new ();
      GArray *line = g_array_new (FALSE, FALSE, sizeof (double));
      double coordinates[] = { 104.06 + i * 0.001, 30.65, 104.061 + i * 0.001, 30.651 };

      street->id = g_strdup_printf ("s-%u", i);
      street->name = g_strdup ("陈寿路");
      street->street_class = g_strdup ("strict");
      g_array_append_vals (line, coordinates, G_N_ELEMENTS (coordinates));
      g_ptr_array_add (street->lines, line);
      g_ptr_array_add (streets, street);
    }
  g_assert_true (xuncha_office_records_streets_import (f->records, streets, &revision, &changed,
                                                       &deleted, &error));
  g_assert_no_error (error);
}

/* Issue 16: each officer change (add, add again, assign, revoke, reset) and its audit entry
 * are one transaction. A change that fails (an id already held, an unknown segment or
 * officer) writes no entry; an entry that cannot be written (no actor: the log refuses
 * it) undoes the change. */
static void
test_officer_changes_audited (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  XunchaWireOfficer a = { "A1", "甲", "T1", FALSE }, taken = { "A1", "冒名", "T9", TRUE };
  XunchaWireOfficer b = { "B2", "乙", NULL, FALSE };
  const char *both[] = { "s-1", "s-2", NULL }, *unknown[] = { "s-1", "s-9", NULL };
  const char *first[] = { "s-1", NULL };
  g_autofree char *code = NULL, *again = NULL, *token = NULL, *renewed = NULL;
  g_autofree char *code_b = NULL, *b_token = NULL;
  g_auto(XunchaWireOfficer) enrolled = { 0 };
  g_autoptr(XunchaOfficeAuditEntry) entry = NULL;
  g_autoptr(XunchaOfficeOfficerState) state = NULL;
  g_auto(GStrv) assigned = NULL;

  import_streets (f, 2);

  /* Added, with "after" his state; the same id again is refused and audits nothing. */
  entry = xuncha_office_audit_entry_new ("admin", "officer.add", "A1", NULL, "name=甲");
  g_assert_true (xuncha_office_records_officer_add_new_with_audit (f->records, &a, entry, &code,
                                                                   &error));
  g_assert_no_error (error);
  g_assert_nonnull (code);
  assert_newest_entry (f, 1, "officer.add", "A1", NULL, "name=甲");
  g_assert_false (xuncha_office_records_officer_add_new_with_audit (f->records, &taken, entry,
                                                                    &again, &error));
  g_assert_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_CONFLICT);
  g_clear_error (&error);
  g_assert_null (again);
  assert_newest_entry (f, 1, "officer.add", "A1", NULL, "name=甲");
  state = officer_state (f, "A1");
  g_assert_cmpstr (state->officer.name, ==, "甲");
  g_clear_pointer (&state, xuncha_office_officer_state_free);
  g_clear_pointer (&entry, xuncha_office_audit_entry_free);

  /* Segments: an unknown one refuses the whole list, and audits nothing; so does an
   * unknown officer. */
  entry = xuncha_office_audit_entry_new ("admin", "officer.segments", "A1", "", "s-1 s-2");
  g_assert_true (xuncha_office_records_assign_streets_with_audit (f->records, "A1", both, entry,
                                                                  &error));
  g_assert_no_error (error);
  assert_newest_entry (f, 2, "officer.segments", "A1", "", "s-1 s-2");
  g_clear_pointer (&entry, xuncha_office_audit_entry_free);
  entry = xuncha_office_audit_entry_new ("admin", "officer.segments", "A1", "s-1 s-2",
                                         "s-1 s-9");
  g_assert_false (xuncha_office_records_assign_streets_with_audit (f->records, "A1", unknown,
                                                                   entry, &error));
  g_assert_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_REFUSED);
  g_clear_error (&error);
  g_assert_false (xuncha_office_records_assign_streets_with_audit (f->records, "Z9", both,
                                                                   entry, &error));
  g_assert_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  assert_newest_entry (f, 2, "officer.segments", "A1", "", "s-1 s-2");
  assigned = xuncha_office_records_assigned_streets (f->records, "A1", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (assigned), ==, 2);
  g_clear_pointer (&entry, xuncha_office_audit_entry_free);

  /* Revoked: his device refused; an unknown officer audits nothing. */
  g_assert_true (xuncha_office_records_enroll (f->records, "A1", code, "phone", &token,
                                               &enrolled, &error));
  g_assert_no_error (error);
  entry = xuncha_office_audit_entry_new ("admin", "officer.revoke", "A1", "revoked=no",
                                         "revoked=yes");
  g_assert_true (xuncha_office_records_officer_revoke_with_audit (f->records, "A1", entry,
                                                                  &error));
  g_assert_no_error (error);
  assert_newest_entry (f, 3, "officer.revoke", "A1", "revoked=no", "revoked=yes");
  g_assert_false (xuncha_office_records_officer_revoke_with_audit (f->records, "Z9", entry,
                                                                   &error));
  g_assert_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  assert_newest_entry (f, 3, "officer.revoke", "A1", "revoked=no", "revoked=yes");
  state = officer_state (f, "A1");
  g_assert_true (state->revoked);
  g_assert_cmpuint (state->devices, ==, 0);
  g_clear_pointer (&state, xuncha_office_officer_state_free);
  g_clear_pointer (&entry, xuncha_office_audit_entry_free);

  /* Reset: no longer revoked, a fresh code that enrolls, his segments kept; an unknown
   * officer gets no code and audits nothing. */
  entry = xuncha_office_audit_entry_new ("admin", "officer.reset", "A1", "revoked=yes",
                                         "code=open");
  g_assert_true (xuncha_office_records_officer_reset (f->records, "A1", entry, &renewed,
                                                      &error));
  g_assert_no_error (error);
  assert_newest_entry (f, 4, "officer.reset", "A1", "revoked=yes", "code=open");
  g_clear_pointer (&again, g_free);
  g_assert_false (xuncha_office_records_officer_reset (f->records, "Z9", entry, &again, &error));
  g_assert_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_null (again);
  assert_newest_entry (f, 4, "officer.reset", "A1", "revoked=yes", "code=open");
  state = officer_state (f, "A1");
  g_assert_false (state->revoked);
  g_assert_true (state->code_open);
  g_assert_cmpuint (state->devices, ==, 0);
  g_assert_cmpuint (state->segments, ==, 2);
  g_assert_cmpstr (state->officer.name, ==, "甲");
  g_assert_cmpstr (state->officer.team, ==, "T1");
  g_clear_pointer (&state, xuncha_office_officer_state_free);
  xuncha_wire_officer_clear (&enrolled);
  g_clear_pointer (&token, g_free);
  g_assert_true (xuncha_office_records_enroll (f->records, "A1", renewed, "phone 2", &token,
                                               &enrolled, &error));
  g_assert_no_error (error);
  g_clear_pointer (&entry, xuncha_office_audit_entry_free);

  /* Added by the command line, which renews an officer it holds. */
  entry = xuncha_office_audit_entry_new ("admin", "officer.add", "B2", NULL, "name=乙");
  g_assert_true (xuncha_office_records_officer_add_with_audit (f->records, &b, entry, &code_b,
                                                              &error));
  g_assert_no_error (error);
  assert_newest_entry (f, 5, "officer.add", "B2", NULL, "name=乙");

  /* An entry the log refuses (no actor) undoes each change it goes with. */
  g_clear_pointer (&entry->actor, g_free);
  g_clear_pointer (&again, g_free);
  g_assert_false (xuncha_office_records_officer_add_new_with_audit (
    f->records, &(XunchaWireOfficer){ "C3", "丙", NULL, FALSE }, entry, &again, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_false (xuncha_office_records_officer_add_with_audit (f->records, &taken, entry,
                                                               &again, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_false (xuncha_office_records_assign_streets_with_audit (f->records, "A1", first,
                                                                   entry, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_false (xuncha_office_records_officer_revoke_with_audit (f->records, "A1", entry,
                                                                   &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_false (xuncha_office_records_officer_reset (f->records, "B2", entry, &again, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_null (again);
  assert_newest_entry (f, 5, "officer.add", "B2", NULL, "name=乙");
  {
    g_autoptr(GPtrArray) none = xuncha_office_staff_records_officer_states (f->staff, NULL, "C3",
                                                                            &error);

    g_assert_no_error (error);
    g_assert_cmpuint (none->len, ==, 0);
  }
  state = officer_state (f, "A1");
  g_assert_cmpstr (state->officer.name, ==, "甲");
  g_assert_false (state->revoked);
  g_assert_cmpuint (state->devices, ==, 1);
  g_assert_cmpuint (state->segments, ==, 2);
  g_clear_pointer (&state, xuncha_office_officer_state_free);
  state = officer_state (f, "B2");
  g_assert_true (state->code_open);
  g_assert_false (state->revoked);
  g_clear_pointer (&state, xuncha_office_officer_state_free);
  xuncha_wire_officer_clear (&enrolled);
  g_assert_true (xuncha_office_records_authenticate (f->records, token, &enrolled, &error));
  g_assert_no_error (error);
  /* B2's code is still the one his add gave him: the refused reset did not renew it. */
  xuncha_wire_officer_clear (&enrolled);
  g_assert_true (xuncha_office_records_enroll (f->records, "B2", code_b, "phone", &b_token,
                                               &enrolled, &error));
  g_assert_no_error (error);
}

/* A login's session and its audit entry are one transaction: an unknown account gets
 * neither, and an entry the log refuses (no actor) leaves no session. */
static void
test_login_audited (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *password = add_account (f, "alice", XUNCHA_OFFICE_STAFF_ROLE_ADMIN, NULL);
  g_autoptr(XunchaOfficeStaffSession) session = make_session ("one", "alice", 1000);
  g_autoptr(XunchaOfficeStaffSession) ghost = make_session ("ghost", "nobody", 1000);
  g_autoptr(XunchaOfficeStaffSession) refused = make_session ("two", "alice", 1000);
  g_autoptr(XunchaOfficeStaffSession) kept = NULL;
  g_autoptr(XunchaOfficeAuditEntry) login = xuncha_office_audit_entry_new ("alice", "login",
                                                                           NULL, NULL,
                                                                           "192.0.2.7");
  g_autoptr(GPtrArray) entries = NULL;

  g_assert_true (xuncha_office_staff_records_session_add (f->staff, session, 0, login, &error));
  g_assert_no_error (error);
  g_assert_false (xuncha_office_staff_records_session_add (f->staff, ghost, 0, login, &error));
  g_assert_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_clear_pointer (&login->actor, g_free);
  g_assert_false (xuncha_office_staff_records_session_add (f->staff, refused, 0, login,
                                                           &error));
  g_assert_nonnull (error);
  g_clear_error (&error);

  kept = xuncha_office_staff_records_session_get (f->staff, session->id_sha256, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (kept->staff_name, ==, "alice");
  g_assert_null (xuncha_office_staff_records_session_get (f->staff, refused->id_sha256,
                                                          &error));
  g_assert_error (error, XUNCHA_OFFICE_STORAGE_ERROR, XUNCHA_OFFICE_STORAGE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  /* The account's staff.add and the one login. */
  entries = audit_entries (f);
  g_assert_cmpuint (entries->len, ==, 2);
  g_assert_cmpstr (((XunchaOfficeAuditEntry *)entries->pdata[0])->action, ==, "login");
  g_assert_cmpstr (((XunchaOfficeAuditEntry *)entries->pdata[0])->after, ==, "192.0.2.7");
}

/* Opened again (an office restarted), the accounts are there and the schema is not
 * migrated twice. */
static void
test_reopen (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *a = add_account (f, "alice", XUNCHA_OFFICE_STAFF_ROLE_ADMIN, NULL);
  g_autoptr(XunchaOfficeRecords) again = NULL;
  g_autoptr(XunchaOfficeStaff) staff = NULL;

  g_clear_object (&f->records);
  again = open_backend (f);
  staff = xuncha_office_staff_records_staff_get (XUNCHA_OFFICE_STAFF_RECORDS (again), "alice",
                                                 &error);
  g_assert_no_error (error);
  g_assert_true (xuncha_office_password_verify (staff->password_hash, a));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#if HAVE_POSTGRESQL
  if (on_postgresql ())
    xuncha_test_postgres_available (&unavailable);
#else
  if (on_postgresql ())
    unavailable = g_strdup ("this build has no PostgreSQL support (libpq)");
#endif
  if (unavailable != NULL)
    {
      g_test_add_func ("/office-staff-records/backend-unavailable", test_unavailable);
      return g_test_run ();
    }

#define ADD(path, func) \
  g_test_add ("/office-staff-records/" path, Fixture, NULL, fixture_set_up, func, \
              fixture_tear_down)
  ADD ("accounts", test_accounts);
  ADD ("account-checks", test_account_checks);
  ADD ("sessions", test_sessions);
  ADD ("login-failures", test_login_failures);
  ADD ("audit", test_audit);
  ADD ("reopen", test_reopen);
  ADD ("officer-states", test_officer_states);
  ADD ("officer-changes-audited", test_officer_changes_audited);
  ADD ("login-audited", test_login_audited);
#undef ADD

  return g_test_run ();
}
