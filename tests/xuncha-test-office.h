/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Certificates made at run time with openssl: a CA, a server certificate for 127.0.0.1,
 * one for another host name, an expired one, one not valid until 2040, and an unrelated CA
 * (for "unknown CA" and pin mismatches). */
typedef struct
{
  char *dir;
  char *ca;
  char *server_cert;
  char *server_key;
  char *wrong_host_cert;
  char *expired_cert;
  char *future_cert;
  char *other_ca;
  char *server_pin;     /* sha256//… of the server key */
  char *other_pin;      /* sha256//… of the unrelated CA's key */
} XunchaTestCerts;

/* The certificates of this test run, made on first use; NULL (test skipped, with the
 * reason) when openssl is absent. */
XunchaTestCerts *xuncha_test_certs          (void);
/* A TLS connection to the office on loopback @port, verified against the test CA. */
GIOStream       *xuncha_test_tls_connect    (guint16 port);

/* A running xuncha-office. */
typedef struct
{
  char    *data_dir;
  char    *cert;
  char    *key;
  GPid     pid;
  guint16  port;
  char    *url;
  char   **extra_args;    /* more `serve` options, or NULL */
  char    *log;           /* where its standard error goes, or NULL: inherited */
  guint    max_files;     /* its limit of open files (RLIMIT_NOFILE), or 0: inherited */
} XunchaTestOffice;

/* Starts xuncha-office serve on 127.0.0.1:@port (0: any) and waits until it listens. */
XunchaTestOffice *xuncha_test_office_start   (const char       *data_dir,
                                              const char       *cert,
                                              const char       *key,
                                              guint16           port);
/* The same with more `serve` options (@extra_args, NULL-terminated, may be NULL) and its
 * standard error written to the file @log (NULL: inherited). */
XunchaTestOffice *xuncha_test_office_start_full (const char         *data_dir,
                                                 const char         *cert,
                                                 const char         *key,
                                                 guint16             port,
                                                 const char * const *extra_args,
                                                 const char         *log);
/* The same, with at most @max_files open files (soft and hard limit). */
XunchaTestOffice *xuncha_test_office_start_limited (const char         *data_dir,
                                                    const char         *cert,
                                                    const char         *key,
                                                    const char * const *extra_args,
                                                    const char         *log,
                                                    guint               max_files);
/* Sends @signum (SIGTERM, SIGKILL) and reaps the process. */
void              xuncha_test_office_stop    (XunchaTestOffice *office,
                                              int               signum);
/* Starts it again on the same port. */
void              xuncha_test_office_restart (XunchaTestOffice *office);
void              xuncha_test_office_free    (XunchaTestOffice *office);

/* Runs xuncha-office with the arguments given (NULL-terminated) on @data_dir (and its
 * database, on PostgreSQL); returns its exit status, its output in @out and @err. */
int               xuncha_test_office_run     (const char       *data_dir,
                                              char            **out,
                                              char            **err,
                                              ...) G_GNUC_NULL_TERMINATED;
/* Runs an admin command on @data_dir; asserts success; returns standard output. */
char             *xuncha_test_office_admin   (const char       *data_dir,
                                              ...) G_GNUC_NULL_TERMINATED;
/* Adds an officer and returns his enrollment code. */
char             *xuncha_test_office_add_officer (const char   *data_dir,
                                                  const char   *id,
                                                  const char   *team,
                                                  gboolean      leader);
/* Enrolls with @code over HTTPS as a device would; asserts 200; returns the token. */
char             *xuncha_test_office_enroll_token (XunchaTestOffice *office,
                                                   const char       *officer,
                                                   const char       *code);
/* Enrolls a device through xuncha-cli; asserts success. */
void              xuncha_test_enroll         (const char       *device_dir,
                                              const char       *url,
                                              const char       *officer,
                                              const char       *code,
                                              const char       *ca);

/* Where the office of @data_dir keeps its records. With XUNCHA_TEST_BACKEND=postgresql
 * each data folder has a PostgreSQL database of its own on the test's throwaway cluster
 * (made at the folder's first use), and every office command of these helpers names it
 * with --database: the libpq connection string. NULL: SQLite, office.db in the folder. */
const char       *xuncha_test_office_database (const char       *data_dir);
/* The first column of the first row of @sql (@param as $1, or NULL for none) on the office
 * records of @data_dir, whichever backend holds them; NULL for no row or SQL NULL. */
char             *xuncha_test_office_query   (const char       *data_dir,
                                              const char       *sql,
                                              const char       *param);
/* Runs @sql (statements without parameters) on the office records of @data_dir. */
void              xuncha_test_office_exec    (const char       *data_dir,
                                              const char       *sql);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (XunchaTestOffice, xuncha_test_office_free)

G_END_DECLS
