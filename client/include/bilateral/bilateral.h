// The whole C++ SDK: a client for each service of bilateral.v1, the options
// and channel they share, List ranges and error details.
#pragma once

#include "bilateral/country_client.h"
#include "bilateral/exchange_client.h"
#include "bilateral/finding_client.h"
#include "bilateral/infrastructure_project_client.h"
#include "bilateral/observation_client.h"
#include "bilateral/options.h"
#include "bilateral/pagination.h"
#include "bilateral/partnership_client.h"
#include "bilateral/relationship_client.h"
#include "bilateral/search_client.h"
#include "bilateral/source_client.h"
#include "bilateral/status.h"
#include "bilateral/trade_record_client.h"
#include "bilateral/visit_client.h"
