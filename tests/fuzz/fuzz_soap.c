/*
 * fuzz_soap.c - libFuzzer entry point for the SOAP readers and the
 * journal's XML redaction.
 *
 * Each input is a request body. soap_doc_read() must accept it or say why
 * (never crash, loop or leak, whatever the DTDs, entities, nesting or
 * encodings); what it accepts has an Envelope root and an operation whose
 * names fit their bounds, and login()'s arguments within SOAP_MAX_TEXT. The
 * same bytes go through redact_body(), which reads them lexically: its output
 * is never shorter than the redaction left in.
 *
 * FUZZ-SEED-BEGIN
 * <se:Envelope
 * xmlns:se="http://schemas.xmlsoap.org/soap/envelope/"><se:Header/><se:Body><login
 * xmlns="urn:partner.soap.sforce.com"><username>u@x.test</username><password>pw</password></login></se:Body></se:Envelope>
 * <?xml version="1.0" encoding="utf-8" ?><env:Envelope
 * xmlns:env="http://schemas.xmlsoap.org/soap/envelope/"
 * xmlns:urn="urn:partner.soap.sforce.com"><env:Body><urn:login><urn:username>a</urn:username><urn:password><![CDATA[x</urn:password>]]></urn:password></urn:login></env:Body></env:Envelope>
 * <?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2
 * "&lol;&lol;&lol;">]><lolz>&lol2;</lolz>
 * <!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><x>&xxe;</x>
 * <?xml version="1.0" encoding="UTF-16"?><a/>
 * <se:Envelope
 * xmlns:se="http://schemas.xmlsoap.org/soap/envelope/"><se:Header><SessionHeader
 * xmlns="urn:partner.soap.sforce.com"><sessionId>t</sessionId></SessionHeader></se:Header><se:Body><undelete
 * xmlns="urn:partner.soap.sforce.com"><ids>a</ids><ids>b</ids></undelete></se:Body></se:Envelope>
 * FUZZ-SEED-END
 * FUZZ-DICT-BEGIN
 * "http://schemas.xmlsoap.org/soap/envelope/"
 * "urn:partner.soap.sforce.com"
 * "<![CDATA["
 * "]]>"
 * "<!--"
 * "<!DOCTYPE"
 * "<!ENTITY"
 * "xmlns:"
 * "<password>"
 * "</password>"
 * FUZZ-DICT-END
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "redact.h"
#include "soap.h"
#include "xmlread.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct soap_doc d;
    struct sf_err err;
    struct buf out;
    const char *v;

    err_clear(&err);
    if (soap_doc_read((const char *)data, size, &d, &err) == 0) {
        if (d.op == NULL || d.op->name[0] == '\0' ||
            strlen(d.op->name) >= SOAP_NAME_MAX ||
            strlen(soap_doc_op_ns(&d)) >= SOAP_NS_MAX)
            abort();
        if (((v = soap_doc_arg(&d, "username")) != NULL &&
             strlen(v) > SOAP_MAX_TEXT) ||
            ((v = soap_doc_arg(&d, "password")) != NULL &&
             strlen(v) > SOAP_MAX_TEXT))
            abort();
        (void)soap_doc_session(&d);
    } else if (err.msg[0] == '\0') {
        abort(); /* every refusal says why */
    }
    soap_doc_free(&d);
    buf_init(&out, SIZE_MAX / 2);
    if (redact_body((const char *)data, size, &out) == 1 &&
        out.len < strlen(REDACT_MARK))
        abort();
    buf_free(&out);
    return 0;
}
