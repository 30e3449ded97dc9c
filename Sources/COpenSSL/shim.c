#include "COpenSSL.h"

#include <stdio.h>
#include <string.h>
#include <openssl/x509.h>

static c_openssl_io_fn io_read;
static c_openssl_io_fn io_write;
static BIO_METHOD *stream_method;

static void set_error(char *error, size_t size, const char *what, const char *path) {
    char reason[256];
    c_openssl_error_text(reason, sizeof reason, "unknown error");
    snprintf(error, size, "%s %s: %s", what, path, reason);
}

SSL_CTX *c_openssl_context_new(int server, const char *private_key, const char *certificate,
                               const char *ca_certificate, char *error, size_t error_size) {
    ERR_clear_error();
    SSL_CTX *context = SSL_CTX_new(server ? TLS_server_method() : TLS_client_method());
    if (context == NULL) {
        set_error(error, error_size, "cannot create a TLS context", "");
        return NULL;
    }
    SSL_CTX_set_min_proto_version(context, TLS1_2_VERSION);
    SSL_CTX_set_max_proto_version(context, TLS1_3_VERSION);
    // TLS 1.2: forward secrecy and AEAD only. TLS 1.3 suites are all AEAD already.
    SSL_CTX_set_cipher_list(context,
        "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
        "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
        "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305");
    // TLS 1.3: AES-128-GCM first. It is strong enough and cheaper per byte than
    // AES-256, and bytes are what an OpenFlow channel in throughput mode pays for.
    SSL_CTX_set_ciphersuites(context, "TLS_AES_128_GCM_SHA256:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_256_GCM_SHA384");
    SSL_CTX_set_options(context, SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_TICKET | SSL_OP_CIPHER_SERVER_PREFERENCE |
                                     SSL_OP_IGNORE_UNEXPECTED_EOF);
    SSL_CTX_set_num_tickets(context, 0);
    SSL_CTX_set_session_cache_mode(context, SSL_SESS_CACHE_OFF);
    // Partial writes and a moving buffer: the loop offers its whole pending output each
    // time and keeps what was not taken. Idle connections give their buffers back.
    SSL_CTX_set_mode(context, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER |
                              SSL_MODE_RELEASE_BUFFERS);
    // Read-ahead off: OpenSSL takes from the stream exactly the records it needs, so
    // what it has not taken is still where the loop's readiness sees it.
    SSL_CTX_set_read_ahead(context, 0);
    SSL_CTX_set_verify(context, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
    if (SSL_CTX_use_certificate_chain_file(context, certificate) != 1) {
        set_error(error, error_size, "cannot use the certificate", certificate);
    } else if (SSL_CTX_use_PrivateKey_file(context, private_key, SSL_FILETYPE_PEM) != 1) {
        set_error(error, error_size, "cannot use the private key", private_key);
    } else if (SSL_CTX_check_private_key(context) != 1) {
        set_error(error, error_size, "the private key does not match the certificate", certificate);
    } else if (SSL_CTX_load_verify_locations(context, ca_certificate, NULL) != 1) {
        set_error(error, error_size, "cannot use the CA certificate", ca_certificate);
    } else {
        if (server) {
            STACK_OF(X509_NAME) *names = SSL_load_client_CA_file(ca_certificate);
            if (names != NULL) SSL_CTX_set_client_CA_list(context, names);
        }
        return context;
    }
    SSL_CTX_free(context);
    return NULL;
}

static int stream_write(BIO *bio, const char *bytes, int length) {
    BIO_clear_retry_flags(bio);
    int result = io_write(BIO_get_data(bio), (void *)bytes, length);
    if (result == C_OPENSSL_IO_WOULD_BLOCK || result == 0) {
        BIO_set_retry_write(bio);
        return -1;
    }
    return result < 0 ? -1 : result;
}

static int stream_read(BIO *bio, char *bytes, int length) {
    BIO_clear_retry_flags(bio);
    int result = io_read(BIO_get_data(bio), bytes, length);
    if (result == C_OPENSSL_IO_WOULD_BLOCK) {
        BIO_set_retry_read(bio);
        return -1;
    }
    if (result == C_OPENSSL_IO_CLOSED) return 0;
    return result < 0 ? -1 : result;
}

static long stream_ctrl(BIO *bio, int command, long number, void *pointer) {
    (void)bio; (void)number; (void)pointer;
    // The stream writes through at once: there is nothing to flush.
    return command == BIO_CTRL_FLUSH ? 1 : 0;
}

static int stream_create(BIO *bio) {
    BIO_set_init(bio, 1);
    return 1;
}

void c_openssl_set_io(c_openssl_io_fn read, c_openssl_io_fn write) {
    io_read = read;
    io_write = write;
    if (stream_method != NULL) return;
    stream_method = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "byte stream");
    BIO_meth_set_write(stream_method, stream_write);
    BIO_meth_set_read(stream_method, stream_read);
    BIO_meth_set_ctrl(stream_method, stream_ctrl);
    BIO_meth_set_create(stream_method, stream_create);
}

BIO *c_openssl_stream_bio(void *context) {
    BIO *bio = BIO_new(stream_method);
    if (bio != NULL) BIO_set_data(bio, context);
    return bio;
}

void c_openssl_error_text(char *buffer, size_t size, const char *fallback) {
    unsigned long code = ERR_peek_last_error();
    if (code == 0) {
        snprintf(buffer, size, "%s", fallback);
    } else {
        const char *reason = ERR_reason_error_string(code);
        if (reason != NULL) snprintf(buffer, size, "%s", reason);
        else ERR_error_string_n(code, buffer, size);
    }
    ERR_clear_error();
}

int c_openssl_peer_common_name(SSL *ssl, char *buffer, size_t size) {
    X509 *peer = SSL_get1_peer_certificate(ssl);
    if (peer == NULL) return -1;
    int length = X509_NAME_get_text_by_NID(X509_get_subject_name(peer), NID_commonName, buffer, (int)size);
    X509_free(peer);
    return length < 0 ? -1 : 0;
}

void c_openssl_session_text(SSL *ssl, char *buffer, size_t size) {
    snprintf(buffer, size, "%s %s", SSL_get_version(ssl), SSL_get_cipher_name(ssl));
}

const char *c_openssl_verify_error(SSL *ssl) {
    long result = SSL_get_verify_result(ssl);
    return result == X509_V_OK ? NULL : X509_verify_cert_error_string(result);
}
