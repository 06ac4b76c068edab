// galois: everything public, in one include.
#ifndef GALOIS_GALOIS_H
#define GALOIS_GALOIS_H

#include <galois/common.h>
#include <galois/dtls.h>
#include <galois/ice.h>
#include <galois/media.h>
#include <galois/sdes.h>
#include <galois/sdp.h>
#include <galois/sip.h>
#include <galois/srtp.h>
#include <galois/tls.h>

#endif  // GALOIS_GALOIS_H
