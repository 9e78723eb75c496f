# A 16.x draft from the phone (issue 6 §6): the Sync Add/Change ApplicationData read into an edit, applied
# to a stored draft, composed to MIME and read back; and any bytes as a stored draft / Type 4 body.
easd_fuzzer(draft_mime SOURCE draft_mime_fuzz.cpp LIBS easd_protocol)
