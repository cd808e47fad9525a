/* null_milter: the floor for the milter load test. A libmilter filter that answers
 * "continue" at every callback and does nothing else, so a load run against it measures
 * libmilter and the wire protocol alone.
 *
 *   null_milter -s unix:/path|inet:PORT@HOST [-p PROTOCOL_FLAGS] [-t TIMEOUT]
 *
 * -p: the SMFIP_* flags to ask the MTA for at negotiation (hex or decimal), e.g. the flags
 *     verdict asks for (milter_load --probe prints them), so both see the same conversation.
 *     Default: SMFIP_NOUNKNOWN|SMFIP_NR_HDR|SMFIP_NR_BODY|SMFIP_SKIP (what verdict asks for
 *     when it needs headers and body). Exits 0 on SIGTERM/SIGINT (libmilter's own handling). */
#include <libmilter/mfapi.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static unsigned long g_protocol = SMFIP_NOUNKNOWN | SMFIP_NR_HDR | SMFIP_NR_BODY | SMFIP_SKIP;

static sfsistat on_negotiate(SMFICTX *ctx, unsigned long f0, unsigned long f1, unsigned long f2, unsigned long f3,
                             unsigned long *pf0, unsigned long *pf1, unsigned long *pf2, unsigned long *pf3) {
    (void)ctx; (void)f0; (void)f2; (void)f3;
    *pf0 = 0;
    *pf1 = g_protocol & f1;
    *pf2 = *pf3 = 0;
    return SMFIS_CONTINUE;
}
static sfsistat on_connect(SMFICTX *ctx, char *host, _SOCK_ADDR *sa) { (void)ctx; (void)host; (void)sa; return SMFIS_CONTINUE; }
static sfsistat on_helo(SMFICTX *ctx, char *helo) { (void)ctx; (void)helo; return SMFIS_CONTINUE; }
static sfsistat on_envfrom(SMFICTX *ctx, char **argv) { (void)ctx; (void)argv; return SMFIS_CONTINUE; }
static sfsistat on_envrcpt(SMFICTX *ctx, char **argv) { (void)ctx; (void)argv; return SMFIS_CONTINUE; }
static sfsistat on_data(SMFICTX *ctx) { (void)ctx; return SMFIS_CONTINUE; }
static sfsistat on_header(SMFICTX *ctx, char *n, char *v) { (void)ctx; (void)n; (void)v; return SMFIS_CONTINUE; }
static sfsistat on_eoh(SMFICTX *ctx) { (void)ctx; return SMFIS_CONTINUE; }
static sfsistat on_body(SMFICTX *ctx, unsigned char *b, size_t n) { (void)ctx; (void)b; (void)n; return SMFIS_CONTINUE; }
static sfsistat on_eom(SMFICTX *ctx) { (void)ctx; return SMFIS_CONTINUE; }
static sfsistat on_abort(SMFICTX *ctx) { (void)ctx; return SMFIS_CONTINUE; }
static sfsistat on_close(SMFICTX *ctx) { (void)ctx; return SMFIS_CONTINUE; }

int main(int argc, char **argv) {
    const char *sock = NULL;
    int timeout = 60, opt;
    while ((opt = getopt(argc, argv, "s:p:t:")) != -1) {
        switch (opt) {
            case 's': sock = optarg; break;
            case 'p': g_protocol = strtoul(optarg, NULL, 0); break;
            case 't': timeout = atoi(optarg); break;
            default: fprintf(stderr, "usage: %s -s SOCKET [-p FLAGS] [-t TIMEOUT]\n", argv[0]); return 2;
        }
    }
    if (!sock) { fprintf(stderr, "usage: %s -s SOCKET [-p FLAGS] [-t TIMEOUT]\n", argv[0]); return 2; }
    struct smfiDesc desc;
    memset(&desc, 0, sizeof desc);
    desc.xxfi_name = "null_milter";
    desc.xxfi_version = SMFI_VERSION;
    desc.xxfi_flags = 0;
    desc.xxfi_connect = on_connect;
    desc.xxfi_helo = on_helo;
    desc.xxfi_envfrom = on_envfrom;
    desc.xxfi_envrcpt = on_envrcpt;
    desc.xxfi_header = on_header;
    desc.xxfi_eoh = on_eoh;
    desc.xxfi_body = on_body;
    desc.xxfi_eom = on_eom;
    desc.xxfi_abort = on_abort;
    desc.xxfi_close = on_close;
    desc.xxfi_data = on_data;
    desc.xxfi_negotiate = on_negotiate;
    if (strncmp(sock, "unix:", 5) == 0) unlink(sock + 5);
    if (smfi_setconn((char *)sock) == MI_FAILURE || smfi_settimeout(timeout) == MI_FAILURE ||
        smfi_setbacklog(128) == MI_FAILURE || smfi_register(desc) == MI_FAILURE) {
        fprintf(stderr, "null_milter: cannot set up %s\n", sock);
        return 1;
    }
    if (smfi_opensocket(1) == MI_FAILURE) { fprintf(stderr, "null_milter: cannot open %s\n", sock); return 1; }
    if (strncmp(sock, "unix:", 5) == 0) chmod(sock + 5, 0666);
    fprintf(stderr, "null_milter: listening on %s, protocol flags 0x%lx\n", sock, g_protocol);
    return smfi_main() == MI_SUCCESS ? 0 : 1;
}
