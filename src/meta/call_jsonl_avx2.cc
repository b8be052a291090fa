// meta/call_jsonl_avx2.cc: the call-record JSONL parser compiled for AVX2 (see call_jsonl_impl.h).
#define BANTAY_CALL_JSONL_VARIANT avx2
#include "meta/call_jsonl_impl.h"
