// text/chat_jsonl_avx2.cc: the chat JSONL parser compiled for AVX2 (see chat_jsonl_impl.h).
#define BANTAY_JSONL_VARIANT avx2
#include "text/chat_jsonl_impl.h"
