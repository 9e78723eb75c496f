#include "tests/eas/wbxml/corpus.hpp"

#include "eas/wbxml/codec.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>

namespace easd::wbxml::test {

const std::vector<corpus_document>& command_corpus() {
  static const std::vector<corpus_document> docs{
      {"FolderSync request", R"(<FolderSync xmlns="FolderHierarchy"><SyncKey>0</SyncKey></FolderSync>)"},
      {"FolderSync response", R"(
<FolderSync xmlns="FolderHierarchy">
  <Status>1</Status>
  <SyncKey>1</SyncKey>
  <Changes>
    <Count>4</Count>
    <Add><ServerId>1</ServerId><ParentId>0</ParentId><DisplayName>Inbox</DisplayName><Type>2</Type></Add>
    <Add><ServerId>2</ServerId><ParentId>0</ParentId><DisplayName>Calendar</DisplayName><Type>8</Type></Add>
    <Update><ServerId>3</ServerId><ParentId>1</ParentId><DisplayName>Réunions &amp; "notes"</DisplayName><Type>12</Type></Update>
    <Delete><ServerId>7</ServerId></Delete>
  </Changes>
</FolderSync>)"},
      {"FolderCreate request", R"(
<FolderCreate xmlns="FolderHierarchy">
  <SyncKey>1</SyncKey><ParentId>0</ParentId><DisplayName>Projects &lt;2024&gt;</DisplayName><Type>12</Type>
</FolderCreate>)"},
      {"FolderCreate response", R"(
<FolderCreate xmlns="FolderHierarchy"><Status>1</Status><SyncKey>2</SyncKey><ServerId>42</ServerId></FolderCreate>)"},
      {"FolderUpdate request", R"(
<FolderUpdate xmlns="FolderHierarchy">
  <SyncKey>2</SyncKey><ServerId>42</ServerId><ParentId>1</ParentId><DisplayName>Archive</DisplayName>
</FolderUpdate>)"},
      {"FolderDelete request", R"(<FolderDelete xmlns="FolderHierarchy"><SyncKey>3</SyncKey><ServerId>42</ServerId></FolderDelete>)"},
      {"FolderDelete response", R"(<FolderDelete xmlns="FolderHierarchy"><Status>1</Status><SyncKey>4</SyncKey></FolderDelete>)"},
      {"Sync request initial", R"(
<Sync xmlns="AirSync"><Collections><Collection><SyncKey>0</SyncKey><CollectionId>1</CollectionId></Collection></Collections></Sync>)"},
      {"Sync request options and commands", R"(
<Sync xmlns="AirSync" xmlns:airsyncbase="AirSyncBase" xmlns:email="Email">
  <Collections>
    <Collection>
      <SyncKey>{6f1ed2c0-1b7b-4a0e-9f7e-2d6b0a3c9e11}1</SyncKey>
      <CollectionId>1</CollectionId>
      <DeletesAsMoves>1</DeletesAsMoves>
      <GetChanges/>
      <WindowSize>50</WindowSize>
      <Options>
        <FilterType>3</FilterType>
        <airsyncbase:BodyPreference>
          <airsyncbase:Type>2</airsyncbase:Type>
          <airsyncbase:TruncationSize>51200</airsyncbase:TruncationSize>
          <airsyncbase:AllOrNone>0</airsyncbase:AllOrNone>
          <airsyncbase:Preview>255</airsyncbase:Preview>
        </airsyncbase:BodyPreference>
        <airsyncbase:BodyPartPreference><airsyncbase:Type>2</airsyncbase:Type></airsyncbase:BodyPartPreference>
        <MIMESupport>0</MIMESupport>
        <MIMETruncation>8</MIMETruncation>
      </Options>
      <Commands>
        <Change>
          <ServerId>1:17</ServerId>
          <ApplicationData>
            <email:Read>1</email:Read>
            <email:Flag><email:Status>2</email:Status><email:FlagType>Follow up</email:FlagType></email:Flag>
          </ApplicationData>
        </Change>
        <Delete><ServerId>1:18</ServerId></Delete>
        <Fetch><ServerId>1:19</ServerId></Fetch>
      </Commands>
    </Collection>
  </Collections>
  <Wait>10</Wait>
  <HeartbeatInterval>600</HeartbeatInterval>
  <WindowSize>100</WindowSize>
  <Partial/>
</Sync>)"},
      {"Sync request calendar add", R"(
<Sync xmlns="AirSync" xmlns:calendar="Calendar" xmlns:airsyncbase="AirSyncBase">
  <Collections>
    <Collection>
      <SyncKey>5</SyncKey>
      <CollectionId>2</CollectionId>
      <Commands>
        <Add>
          <ClientId>c-1</ClientId>
          <ApplicationData>
            <calendar:Timezone>xP///wAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==</calendar:Timezone>
            <calendar:AllDayEvent>0</calendar:AllDayEvent>
            <calendar:StartTime>20240101T090000Z</calendar:StartTime>
            <calendar:EndTime>20240101T093000Z</calendar:EndTime>
            <calendar:DtStamp>20231220T120000Z</calendar:DtStamp>
            <calendar:Subject>Standup</calendar:Subject>
            <calendar:Location>Room 1</calendar:Location>
            <calendar:Sensitivity>0</calendar:Sensitivity>
            <calendar:BusyStatus>2</calendar:BusyStatus>
            <calendar:MeetingStatus>1</calendar:MeetingStatus>
            <calendar:Reminder>15</calendar:Reminder>
            <calendar:UID>040000008200E00074C5B7101A82E008</calendar:UID>
            <calendar:OrganizerName>Alice</calendar:OrganizerName>
            <calendar:OrganizerEmail>alice@example.test</calendar:OrganizerEmail>
            <calendar:Categories><calendar:Category>Team</calendar:Category></calendar:Categories>
            <calendar:Recurrence>
              <calendar:Type>1</calendar:Type>
              <calendar:Interval>1</calendar:Interval>
              <calendar:DayOfWeek>62</calendar:DayOfWeek>
              <calendar:Until>20241231T000000Z</calendar:Until>
              <calendar:FirstDayOfWeek>1</calendar:FirstDayOfWeek>
            </calendar:Recurrence>
            <calendar:Attendees>
              <calendar:Attendee>
                <calendar:Email>bob@example.test</calendar:Email>
                <calendar:Name>Bob</calendar:Name>
                <calendar:AttendeeStatus>0</calendar:AttendeeStatus>
                <calendar:AttendeeType>1</calendar:AttendeeType>
              </calendar:Attendee>
            </calendar:Attendees>
            <calendar:Exceptions>
              <calendar:Exception>
                <calendar:ExceptionStartTime>20240102T090000Z</calendar:ExceptionStartTime>
                <calendar:Deleted>1</calendar:Deleted>
              </calendar:Exception>
            </calendar:Exceptions>
            <airsyncbase:Body><airsyncbase:Type>1</airsyncbase:Type><airsyncbase:Data>Daily&#13;
standup</airsyncbase:Data></airsyncbase:Body>
            <calendar:ResponseRequested>1</calendar:ResponseRequested>
            <calendar:DisallowNewTimeProposal>0</calendar:DisallowNewTimeProposal>
            <calendar:ClientUid>client-uid-1</calendar:ClientUid>
          </ApplicationData>
        </Add>
      </Commands>
    </Collection>
  </Collections>
</Sync>)"},
      {"Sync response email", R"(
<Sync xmlns="AirSync" xmlns:email="Email" xmlns:airsyncbase="AirSyncBase" xmlns:email2="Email2" xmlns:rm="RightsManagement">
  <Collections>
    <Collection>
      <SyncKey>2</SyncKey>
      <CollectionId>1</CollectionId>
      <Status>1</Status>
      <Commands>
        <Add>
          <ServerId>1:1</ServerId>
          <ApplicationData>
            <email:To>"Bob" &lt;bob@example.test&gt;</email:To>
            <email:Cc>carol@example.test</email:Cc>
            <email:From>"Alice Ünïcødé" &lt;alice@example.test&gt;</email:From>
            <email:Subject>Hello 😀 — déjà vu</email:Subject>
            <email:ReplyTo>alice@example.test</email:ReplyTo>
            <email:DateReceived>2024-01-01T09:00:00.000Z</email:DateReceived>
            <email:DisplayTo>Bob</email:DisplayTo>
            <email:ThreadTopic>Hello</email:ThreadTopic>
            <email:Importance>1</email:Importance>
            <email:Read>0</email:Read>
            <airsyncbase:Attachments>
              <airsyncbase:Attachment>
                <airsyncbase:DisplayName>report.pdf</airsyncbase:DisplayName>
                <airsyncbase:FileReference>1:1:2</airsyncbase:FileReference>
                <airsyncbase:Method>1</airsyncbase:Method>
                <airsyncbase:EstimatedDataSize>123456</airsyncbase:EstimatedDataSize>
                <airsyncbase:ContentId>part2@example.test</airsyncbase:ContentId>
                <airsyncbase:IsInline>0</airsyncbase:IsInline>
              </airsyncbase:Attachment>
            </airsyncbase:Attachments>
            <airsyncbase:Body>
              <airsyncbase:Type>2</airsyncbase:Type>
              <airsyncbase:EstimatedDataSize>5000</airsyncbase:EstimatedDataSize>
              <airsyncbase:Truncated>1</airsyncbase:Truncated>
              <airsyncbase:Data>&lt;html&gt;&lt;body&gt;&lt;p&gt;Hi&amp;nbsp;Bob&lt;/p&gt;&lt;/body&gt;&lt;/html&gt;</airsyncbase:Data>
              <airsyncbase:Preview>Hi Bob</airsyncbase:Preview>
            </airsyncbase:Body>
            <email:MessageClass>IPM.Note</email:MessageClass>
            <email:InternetCPID>65001</email:InternetCPID>
            <email:Flag/>
            <email:ContentClass>urn:content-classes:message</email:ContentClass>
            <airsyncbase:NativeBodyType>2</airsyncbase:NativeBodyType>
            <email2:ConversationId opaque="base64">qrvM3e7/ABEiM0RVZneImQ==</email2:ConversationId>
            <email2:ConversationIndex opaque="base64">AcqP+Q==</email2:ConversationIndex>
            <email2:ReceivedAsBcc>0</email2:ReceivedAsBcc>
            <email2:Sender>assistant@example.test</email2:Sender>
            <email2:LastVerbExecuted>1</email2:LastVerbExecuted>
            <email2:LastVerbExecutionTime>2024-01-02T10:00:00.000Z</email2:LastVerbExecutionTime>
            <email:Categories><email:Category>Work</email:Category><email:Category>Q1</email:Category></email:Categories>
            <rm:RightsManagementLicense>
              <rm:Owner>0</rm:Owner>
              <rm:ContentOwner>alice@example.test</rm:ContentOwner>
              <rm:ReplyAllowed>1</rm:ReplyAllowed>
              <rm:EditAllowed>0</rm:EditAllowed>
              <rm:ExportAllowed>0</rm:ExportAllowed>
              <rm:TemplateID>00000000-0000-0000-0000-000000000000</rm:TemplateID>
            </rm:RightsManagementLicense>
          </ApplicationData>
        </Add>
        <Change><ServerId>1:5</ServerId><ApplicationData><email:Read>1</email:Read></ApplicationData></Change>
        <Delete><ServerId>1:3</ServerId></Delete>
        <SoftDelete><ServerId>1:4</ServerId></SoftDelete>
      </Commands>
      <Responses>
        <Change><ServerId>1:17</ServerId><Status>1</Status></Change>
        <Add><ClientId>c-1</ClientId><ServerId>2:9</ServerId><Status>1</Status></Add>
        <Fetch>
          <ServerId>1:19</ServerId>
          <Status>1</Status>
          <ApplicationData><email:Subject>Fetched</email:Subject></ApplicationData>
        </Fetch>
      </Responses>
      <MoreAvailable/>
    </Collection>
  </Collections>
</Sync>)"},
      {"Sync response meeting request", R"(
<Sync xmlns="AirSync" xmlns:email="Email" xmlns:email2="Email2" xmlns:calendar="Calendar">
  <Collections>
    <Collection>
      <SyncKey>3</SyncKey>
      <CollectionId>1</CollectionId>
      <Status>1</Status>
      <Commands>
        <Add>
          <ServerId>1:30</ServerId>
          <ApplicationData>
            <email:Subject>Invitation</email:Subject>
            <email:MessageClass>IPM.Schedule.Meeting.Request</email:MessageClass>
            <email:MeetingRequest>
              <email:AllDayEvent>0</email:AllDayEvent>
              <email:StartTime>2024-02-01T09:00:00.000Z</email:StartTime>
              <email:DtStamp>2024-01-20T09:00:00.000Z</email:DtStamp>
              <email:EndTime>2024-02-01T10:00:00.000Z</email:EndTime>
              <email:InstanceType>1</email:InstanceType>
              <email:Location>Room 2</email:Location>
              <email:Organizer>alice@example.test</email:Organizer>
              <email:RecurrenceId>2024-02-01T09:00:00.000Z</email:RecurrenceId>
              <email:Reminder>900</email:Reminder>
              <email:ResponseRequested>1</email:ResponseRequested>
              <email:Recurrences>
                <email:Recurrence>
                  <email:Type>2</email:Type><email:Interval>1</email:Interval><email:Occurrences>10</email:Occurrences>
                  <email:DayOfMonth>1</email:DayOfMonth><email:WeekOfMonth>1</email:WeekOfMonth>
                  <email:MonthOfYear>2</email:MonthOfYear><email:DayOfWeek>2</email:DayOfWeek>
                  <email:Until>2025-01-01T00:00:00.000Z</email:Until>
                  <email2:CalendarType>1</email2:CalendarType><email2:IsLeapMonth>0</email2:IsLeapMonth>
                  <email2:FirstDayOfWeek>1</email2:FirstDayOfWeek>
                </email:Recurrence>
              </email:Recurrences>
              <email:Sensitivity>0</email:Sensitivity>
              <email:BusyStatus>1</email:BusyStatus>
              <email:TimeZone>xP///w==</email:TimeZone>
              <email:GlobalObjId>BAAAAIIA4AB0xbcQGoLgCA==</email:GlobalObjId>
              <email:DisallowNewTimeProposal>0</email:DisallowNewTimeProposal>
              <email2:MeetingMessageType>1</email2:MeetingMessageType>
            </email:MeetingRequest>
            <calendar:UID>uid-1</calendar:UID>
            <email2:UmCallerID>+15550100</email2:UmCallerID>
            <email2:UmUserNotes>note</email2:UmUserNotes>
            <email2:UmAttDuration>12</email2:UmAttDuration>
            <email2:UmAttOrder>1</email2:UmAttOrder>
            <email2:AccountId>acct-1</email2:AccountId>
            <email:Flag>
              <email:Status>1</email:Status><email:FlagType>for Follow Up</email:FlagType>
              <email:CompleteTime>2024-02-02T00:00:00.000Z</email:CompleteTime>
            </email:Flag>
          </ApplicationData>
        </Add>
      </Commands>
    </Collection>
  </Collections>
</Sync>)"},
      {"Sync response contact", R"(
<Sync xmlns="AirSync" xmlns:contacts="Contacts" xmlns:contacts2="Contacts2" xmlns:airsyncbase="AirSyncBase">
  <Collections>
    <Collection>
      <SyncKey>7</SyncKey>
      <CollectionId>4</CollectionId>
      <Status>1</Status>
      <Commands>
        <Add>
          <ServerId>4:1</ServerId>
          <ApplicationData>
            <contacts:FileAs>Doe, Jane</contacts:FileAs>
            <contacts:FirstName>Jane</contacts:FirstName>
            <contacts:MiddleName>Q</contacts:MiddleName>
            <contacts:LastName>Doe</contacts:LastName>
            <contacts:Title>Dr.</contacts:Title>
            <contacts:Suffix>PhD</contacts:Suffix>
            <contacts:CompanyName>Example Ltd</contacts:CompanyName>
            <contacts:Department>R&amp;D</contacts:Department>
            <contacts:JobTitle>Engineer</contacts:JobTitle>
            <contacts:OfficeLocation>B2</contacts:OfficeLocation>
            <contacts:Email1Address>jane@example.test</contacts:Email1Address>
            <contacts:Email2Address>jd@example.test</contacts:Email2Address>
            <contacts:Email3Address>j@example.test</contacts:Email3Address>
            <contacts:MobilePhoneNumber>+1 555 0101</contacts:MobilePhoneNumber>
            <contacts:BusinessPhoneNumber>+1 555 0102</contacts:BusinessPhoneNumber>
            <contacts:Business2PhoneNumber>+1 555 0103</contacts:Business2PhoneNumber>
            <contacts:HomePhoneNumber>+1 555 0104</contacts:HomePhoneNumber>
            <contacts:AssistantPhoneNumber>+1 555 0105</contacts:AssistantPhoneNumber>
            <contacts:BusinessAddressStreet>1 Main St</contacts:BusinessAddressStreet>
            <contacts:BusinessAddressCity>Springfield</contacts:BusinessAddressCity>
            <contacts:BusinessAddressState>IL</contacts:BusinessAddressState>
            <contacts:BusinessAddressPostalCode>62701</contacts:BusinessAddressPostalCode>
            <contacts:BusinessAddressCountry>USA</contacts:BusinessAddressCountry>
            <contacts:HomeAddressCity>Shelbyville</contacts:HomeAddressCity>
            <contacts:OtherAddressCity>Capital City</contacts:OtherAddressCity>
            <contacts:Birthday>1980-05-04T00:00:00.000Z</contacts:Birthday>
            <contacts:Anniversary>2005-06-07T00:00:00.000Z</contacts:Anniversary>
            <contacts:Spouse>John</contacts:Spouse>
            <contacts:Children><contacts:Child>Ann</contacts:Child><contacts:Child>Ben</contacts:Child></contacts:Children>
            <contacts:Categories><contacts:Category>Friends</contacts:Category></contacts:Categories>
            <contacts:WebPage>https://example.test/~jane</contacts:WebPage>
            <contacts:YomiFirstName>ジェーン</contacts:YomiFirstName>
            <contacts:Picture>/9j/4AAQSkZJRgABAQ==</contacts:Picture>
            <contacts:Alias>jdoe</contacts:Alias>
            <contacts:WeightedRank>3</contacts:WeightedRank>
            <contacts2:NickName>JD</contacts2:NickName>
            <contacts2:IMAddress>jane@im.example.test</contacts2:IMAddress>
            <contacts2:ManagerName>Boss</contacts2:ManagerName>
            <contacts2:CompanyMainPhone>+1 555 0100</contacts2:CompanyMainPhone>
            <contacts2:AccountName>jdoe</contacts2:AccountName>
            <contacts2:CustomerId>C-1</contacts2:CustomerId>
            <contacts2:GovernmentId>G-1</contacts2:GovernmentId>
            <contacts2:MMS>+1 555 0101</contacts2:MMS>
            <airsyncbase:Body><airsyncbase:Type>1</airsyncbase:Type><airsyncbase:Data>Met at conference</airsyncbase:Data></airsyncbase:Body>
          </ApplicationData>
        </Add>
      </Commands>
    </Collection>
  </Collections>
</Sync>)"},
      {"Sync response task and note", R"(
<Sync xmlns="AirSync" xmlns:tasks="Tasks" xmlns:notes="Notes" xmlns:airsyncbase="AirSyncBase">
  <Collections>
    <Collection>
      <SyncKey>9</SyncKey>
      <CollectionId>5</CollectionId>
      <Status>1</Status>
      <Commands>
        <Add>
          <ServerId>5:1</ServerId>
          <ApplicationData>
            <tasks:Subject>File taxes</tasks:Subject>
            <tasks:Importance>2</tasks:Importance>
            <tasks:UtcStartDate>2024-03-01T00:00:00.000Z</tasks:UtcStartDate>
            <tasks:StartDate>2024-03-01T00:00:00.000Z</tasks:StartDate>
            <tasks:UtcDueDate>2024-04-15T00:00:00.000Z</tasks:UtcDueDate>
            <tasks:DueDate>2024-04-15T00:00:00.000Z</tasks:DueDate>
            <tasks:Complete>0</tasks:Complete>
            <tasks:Sensitivity>0</tasks:Sensitivity>
            <tasks:ReminderSet>1</tasks:ReminderSet>
            <tasks:ReminderTime>2024-04-14T09:00:00.000Z</tasks:ReminderTime>
            <tasks:Categories><tasks:Category>Home</tasks:Category></tasks:Categories>
            <tasks:Recurrence>
              <tasks:Type>5</tasks:Type><tasks:Start>2024-04-15T00:00:00.000Z</tasks:Start>
              <tasks:Interval>1</tasks:Interval><tasks:DayOfMonth>15</tasks:DayOfMonth>
              <tasks:MonthOfYear>4</tasks:MonthOfYear><tasks:Regenerate>0</tasks:Regenerate>
              <tasks:DeadOccur>0</tasks:DeadOccur><tasks:CalendarType>1</tasks:CalendarType>
              <tasks:IsLeapMonth>0</tasks:IsLeapMonth><tasks:FirstDayOfWeek>0</tasks:FirstDayOfWeek>
              <tasks:DayOfWeek>2</tasks:DayOfWeek><tasks:WeekOfMonth>3</tasks:WeekOfMonth>
              <tasks:Occurrences>5</tasks:Occurrences><tasks:Until>2030-01-01T00:00:00.000Z</tasks:Until>
            </tasks:Recurrence>
            <tasks:OrdinalDate>2024-03-01T00:00:00.000Z</tasks:OrdinalDate>
            <tasks:SubOrdinalDate>1</tasks:SubOrdinalDate>
            <airsyncbase:Body><airsyncbase:Type>1</airsyncbase:Type><airsyncbase:Data>  leading and trailing spaces  </airsyncbase:Data></airsyncbase:Body>
          </ApplicationData>
        </Add>
        <Add>
          <ServerId>6:1</ServerId>
          <ApplicationData>
            <notes:Subject>Groceries</notes:Subject>
            <notes:MessageClass>IPM.StickyNote</notes:MessageClass>
            <notes:LastModifiedDate>2024-01-05T08:00:00.000Z</notes:LastModifiedDate>
            <notes:Categories><notes:Category>Errands</notes:Category></notes:Categories>
            <airsyncbase:Body><airsyncbase:Type>1</airsyncbase:Type><airsyncbase:Data>milk	eggs
bread</airsyncbase:Data></airsyncbase:Body>
          </ApplicationData>
        </Add>
      </Commands>
    </Collection>
  </Collections>
</Sync>)"},
      {"Sync request 16.0 attachments and location", R"(
<Sync xmlns="AirSync" xmlns:airsyncbase="AirSyncBase" xmlns:email2="Email2" xmlns:email="Email" xmlns:calendar="Calendar">
  <Collections>
    <Collection>
      <SyncKey>11</SyncKey>
      <CollectionId>7</CollectionId>
      <Commands>
        <Add>
          <ClientId>draft-1</ClientId>
          <ApplicationData>
            <email:To>bob@example.test</email:To>
            <email2:Bcc>eve@example.test</email2:Bcc>
            <email:Subject>Draft</email:Subject>
            <email2:IsDraft>1</email2:IsDraft>
            <airsyncbase:Attachments>
              <airsyncbase:Add>
                <airsyncbase:ClientId>att-1</airsyncbase:ClientId>
                <airsyncbase:Method>1</airsyncbase:Method>
                <airsyncbase:Content opaque="base64">SGVsbG8AV29ybGQ=</airsyncbase:Content>
                <airsyncbase:DisplayName>hello.bin</airsyncbase:DisplayName>
                <airsyncbase:ContentType>application/octet-stream</airsyncbase:ContentType>
              </airsyncbase:Add>
              <airsyncbase:Delete><airsyncbase:FileReference>7:1:3</airsyncbase:FileReference></airsyncbase:Delete>
            </airsyncbase:Attachments>
          </ApplicationData>
        </Add>
        <Change>
          <ServerId>2:4</ServerId>
          <ApplicationData>
            <airsyncbase:Location>
              <airsyncbase:DisplayName>HQ</airsyncbase:DisplayName>
              <airsyncbase:Annotation>Lobby</airsyncbase:Annotation>
              <airsyncbase:Street>1 Main St</airsyncbase:Street>
              <airsyncbase:City>Springfield</airsyncbase:City>
              <airsyncbase:State>IL</airsyncbase:State>
              <airsyncbase:Country>USA</airsyncbase:Country>
              <airsyncbase:PostalCode>62701</airsyncbase:PostalCode>
              <airsyncbase:Latitude>39.78</airsyncbase:Latitude>
              <airsyncbase:Longitude>-89.65</airsyncbase:Longitude>
              <airsyncbase:Accuracy>10</airsyncbase:Accuracy>
              <airsyncbase:Altitude>180</airsyncbase:Altitude>
              <airsyncbase:AltitudeAccuracy>5</airsyncbase:AltitudeAccuracy>
              <airsyncbase:LocationUri>geo:39.78,-89.65</airsyncbase:LocationUri>
            </airsyncbase:Location>
            <calendar:Exceptions>
              <calendar:Exception>
                <airsyncbase:InstanceId>20240102T090000Z</airsyncbase:InstanceId>
                <calendar:Subject>Moved</calendar:Subject>
              </calendar:Exception>
            </calendar:Exceptions>
          </ApplicationData>
        </Change>
      </Commands>
    </Collection>
  </Collections>
</Sync>)"},
      {"Sync request 2.5 legacy tokens", R"(
<Sync xmlns="AirSync">
  <Collections>
    <Collection>
      <Class>Email</Class>
      <SyncKey>0</SyncKey>
      <CollectionId>1</CollectionId>
      <Supported><DeletesAsMoves/></Supported>
      <Options><FilterType>2</FilterType><Truncation>4</Truncation><RTFTruncation>1</RTFTruncation><MIMETruncation>1</MIMETruncation><Conflict>1</Conflict></Options>
    </Collection>
  </Collections>
</Sync>)"},
      {"GetItemEstimate request", R"(
<GetItemEstimate xmlns="GetItemEstimate" xmlns:airsync="AirSync">
  <Collections>
    <Collection>
      <airsync:SyncKey>1</airsync:SyncKey>
      <CollectionId>1</CollectionId>
      <airsync:ConversationMode>1</airsync:ConversationMode>
      <airsync:Options><airsync:Class>Email</airsync:Class><airsync:FilterType>3</airsync:FilterType><airsync:MaxItems>100</airsync:MaxItems></airsync:Options>
    </Collection>
  </Collections>
</GetItemEstimate>)"},
      {"GetItemEstimate request 12.1", R"(
<GetItemEstimate xmlns="GetItemEstimate" xmlns:airsync="AirSync">
  <Collections><Collection><Class>Email</Class><airsync:SyncKey>1</airsync:SyncKey><CollectionId>1</CollectionId><airsync:FilterType>3</airsync:FilterType></Collection></Collections>
</GetItemEstimate>)"},
      {"GetItemEstimate response", R"(
<GetItemEstimate xmlns="GetItemEstimate">
  <Response><Status>1</Status><Collection><CollectionId>1</CollectionId><Estimate>12</Estimate></Collection></Response>
</GetItemEstimate>)"},
      {"Ping request", R"(
<Ping xmlns="Ping">
  <HeartbeatInterval>480</HeartbeatInterval>
  <Folders>
    <Folder><Id>1</Id><Class>Email</Class></Folder>
    <Folder><Id>2</Id><Class>Calendar</Class></Folder>
    <Folder><Id>4</Id><Class>Contacts</Class></Folder>
  </Folders>
</Ping>)"},
      {"Ping response changes", R"(<Ping xmlns="Ping"><Status>2</Status><Folders><Folder>1</Folder><Folder>4</Folder></Folders></Ping>)"},
      {"Ping response limits", R"(<Ping xmlns="Ping"><Status>6</Status><MaxFolders>200</MaxFolders><HeartbeatInterval>3540</HeartbeatInterval></Ping>)"},
      {"Provision request", R"(
<Provision xmlns="Provision" xmlns:settings="Settings">
  <settings:DeviceInformation>
    <settings:Set>
      <settings:Model>Pixel 8</settings:Model>
      <settings:IMEI>356938035643809</settings:IMEI>
      <settings:FriendlyName>Jane's phone</settings:FriendlyName>
      <settings:OS>Android 14</settings:OS>
      <settings:OSLanguage>en-US</settings:OSLanguage>
      <settings:PhoneNumber>+15550101</settings:PhoneNumber>
      <settings:MobileOperator>Example Mobile</settings:MobileOperator>
      <settings:UserAgent>Android-Mail/2024</settings:UserAgent>
      <settings:EnableOutboundSMS>0</settings:EnableOutboundSMS>
    </settings:Set>
  </settings:DeviceInformation>
  <Policies><Policy><PolicyType>MS-EAS-Provisioning-WBXML</PolicyType></Policy></Policies>
</Provision>)"},
      {"Provision response policy", R"(
<Provision xmlns="Provision">
  <Status>1</Status>
  <Policies>
    <Policy>
      <PolicyType>MS-EAS-Provisioning-WBXML</PolicyType>
      <Status>1</Status>
      <PolicyKey>3942919513</PolicyKey>
      <Data>
        <EASProvisionDoc>
          <DevicePasswordEnabled>1</DevicePasswordEnabled>
          <AlphanumericDevicePasswordRequired>0</AlphanumericDevicePasswordRequired>
          <RequireStorageCardEncryption>0</RequireStorageCardEncryption>
          <PasswordRecoveryEnabled>0</PasswordRecoveryEnabled>
          <AttachmentsEnabled>1</AttachmentsEnabled>
          <MinDevicePasswordLength>4</MinDevicePasswordLength>
          <MaxInactivityTimeDeviceLock>900</MaxInactivityTimeDeviceLock>
          <MaxDevicePasswordFailedAttempts>8</MaxDevicePasswordFailedAttempts>
          <MaxAttachmentSize/>
          <AllowSimpleDevicePassword>1</AllowSimpleDevicePassword>
          <DevicePasswordExpiration/>
          <DevicePasswordHistory>0</DevicePasswordHistory>
          <AllowStorageCard>1</AllowStorageCard>
          <AllowCamera>1</AllowCamera>
          <RequireDeviceEncryption>0</RequireDeviceEncryption>
          <AllowUnsignedApplications>1</AllowUnsignedApplications>
          <AllowUnsignedInstallationPackages>1</AllowUnsignedInstallationPackages>
          <MinDevicePasswordComplexCharacters>1</MinDevicePasswordComplexCharacters>
          <AllowWiFi>1</AllowWiFi>
          <AllowTextMessaging>1</AllowTextMessaging>
          <AllowPOPIMAPEmail>1</AllowPOPIMAPEmail>
          <AllowBluetooth>2</AllowBluetooth>
          <AllowIrDA>1</AllowIrDA>
          <RequireManualSyncWhenRoaming>0</RequireManualSyncWhenRoaming>
          <AllowDesktopSync>1</AllowDesktopSync>
          <MaxCalendarAgeFilter>0</MaxCalendarAgeFilter>
          <AllowHTMLEmail>1</AllowHTMLEmail>
          <MaxEmailAgeFilter>0</MaxEmailAgeFilter>
          <MaxEmailBodyTruncationSize>-1</MaxEmailBodyTruncationSize>
          <MaxEmailHTMLBodyTruncationSize>-1</MaxEmailHTMLBodyTruncationSize>
          <RequireSignedSMIMEMessages>0</RequireSignedSMIMEMessages>
          <RequireEncryptedSMIMEMessages>0</RequireEncryptedSMIMEMessages>
          <RequireSignedSMIMEAlgorithm>0</RequireSignedSMIMEAlgorithm>
          <RequireEncryptionSMIMEAlgorithm>0</RequireEncryptionSMIMEAlgorithm>
          <AllowSMIMEEncryptionAlgorithmNegotiation>2</AllowSMIMEEncryptionAlgorithmNegotiation>
          <AllowSMIMESoftCerts>1</AllowSMIMESoftCerts>
          <AllowBrowser>1</AllowBrowser>
          <AllowConsumerEmail>1</AllowConsumerEmail>
          <AllowRemoteDesktop>1</AllowRemoteDesktop>
          <AllowInternetSharing>1</AllowInternetSharing>
          <UnapprovedInROMApplicationList><ApplicationName>Game</ApplicationName></UnapprovedInROMApplicationList>
          <ApprovedApplicationList><Hash>A1B2C3</Hash></ApprovedApplicationList>
        </EASProvisionDoc>
      </Data>
    </Policy>
  </Policies>
</Provision>)"},
      {"Provision acknowledgement", R"(
<Provision xmlns="Provision"><Policies><Policy><PolicyType>MS-EAS-Provisioning-WBXML</PolicyType><PolicyKey>3942919513</PolicyKey><Status>1</Status></Policy></Policies></Provision>)"},
      {"Provision remote wipe", R"(<Provision xmlns="Provision"><Status>1</Status><RemoteWipe/></Provision>)"},
      {"Provision remote wipe ack", R"(<Provision xmlns="Provision"><RemoteWipe><Status>1</Status></RemoteWipe></Provision>)"},
      {"Provision account-only wipe 16.1", R"(<Provision xmlns="Provision"><Status>1</Status><AccountOnlyRemoteWipe/></Provision>)"},
      {"Settings request", R"(
<Settings xmlns="Settings">
  <Oof><Get><BodyType>Text</BodyType></Get></Oof>
  <Oof>
    <Set>
      <OofState>2</OofState>
      <StartTime>2024-07-01T00:00:00.000Z</StartTime>
      <EndTime>2024-07-15T00:00:00.000Z</EndTime>
      <OofMessage><AppliesToInternal/><Enabled>1</Enabled><ReplyMessage>On holiday</ReplyMessage><BodyType>Text</BodyType></OofMessage>
      <OofMessage><AppliesToExternalKnown/><Enabled>1</Enabled><ReplyMessage>Away</ReplyMessage><BodyType>HTML</BodyType></OofMessage>
      <OofMessage><AppliesToExternalUnknown/><Enabled>0</Enabled></OofMessage>
    </Set>
  </Oof>
  <DevicePassword><Set><Password>1234</Password></Set></DevicePassword>
  <UserInformation><Get/></UserInformation>
  <RightsManagementInformation><Get/></RightsManagementInformation>
</Settings>)"},
      {"Settings response", R"(
<Settings xmlns="Settings" xmlns:rm="RightsManagement">
  <Status>1</Status>
  <Oof><Status>1</Status><Get><OofState>0</OofState></Get></Oof>
  <UserInformation>
    <Status>1</Status>
    <Get>
      <Accounts>
        <Account>
          <AccountId>1</AccountId>
          <AccountName>Jane</AccountName>
          <UserDisplayName>Jane Doe</UserDisplayName>
          <SendDisabled>0</SendDisabled>
          <EmailAddresses>
            <SMTPAddress>jane@example.test</SMTPAddress>
            <PrimarySmtpAddress>jane@example.test</PrimarySmtpAddress>
          </EmailAddresses>
        </Account>
      </Accounts>
    </Get>
  </UserInformation>
  <RightsManagementInformation>
    <Status>1</Status>
    <Get>
      <rm:RightsManagementTemplates>
        <rm:RightsManagementTemplate>
          <rm:TemplateID>00000000-0000-0000-0000-000000000001</rm:TemplateID>
          <rm:TemplateName>Do Not Forward</rm:TemplateName>
          <rm:TemplateDescription>Recipients can read but not forward.</rm:TemplateDescription>
        </rm:RightsManagementTemplate>
      </rm:RightsManagementTemplates>
    </Get>
  </RightsManagementInformation>
  <DeviceInformation><Status>1</Status></DeviceInformation>
</Settings>)"},
      {"ItemOperations request", R"(
<ItemOperations xmlns="ItemOperations" xmlns:airsync="AirSync" xmlns:airsyncbase="AirSyncBase">
  <Fetch>
    <Store>Mailbox</Store>
    <airsync:CollectionId>1</airsync:CollectionId>
    <airsync:ServerId>1:1</airsync:ServerId>
    <Options>
      <airsync:MIMESupport>2</airsync:MIMESupport>
      <airsyncbase:BodyPreference><airsyncbase:Type>4</airsyncbase:Type></airsyncbase:BodyPreference>
      <Schema><airsyncbase:Body/></Schema>
      <Range>0-1023</Range>
      <UserName>jane</UserName>
      <Password>secret</Password>
    </Options>
  </Fetch>
  <Fetch><Store>Mailbox</Store><airsyncbase:FileReference>1:1:2</airsyncbase:FileReference></Fetch>
  <EmptyFolderContents><airsync:CollectionId>3</airsync:CollectionId><Options><DeleteSubFolders/></Options></EmptyFolderContents>
  <Move>
    <ConversationId opaque="base64">qrvM3e7/ABEiM0RVZneImQ==</ConversationId>
    <DstFldId>5</DstFldId>
    <Options><MoveAlways/></Options>
  </Move>
</ItemOperations>)"},
      {"ItemOperations response", R"(
<ItemOperations xmlns="ItemOperations" xmlns:airsync="AirSync" xmlns:airsyncbase="AirSyncBase">
  <Status>1</Status>
  <Response>
    <Fetch>
      <Status>1</Status>
      <airsync:CollectionId>1</airsync:CollectionId>
      <airsync:ServerId>1:1</airsync:ServerId>
      <airsync:Class>Email</airsync:Class>
      <Properties>
        <airsyncbase:Body>
          <airsyncbase:Type>4</airsyncbase:Type>
          <airsyncbase:EstimatedDataSize>42</airsyncbase:EstimatedDataSize>
          <airsyncbase:Data>From: a@example.test&#13;
Subject: x&#13;
&#13;
body&#13;
</airsyncbase:Data>
        </airsyncbase:Body>
      </Properties>
    </Fetch>
    <Fetch>
      <Status>1</Status>
      <airsyncbase:FileReference>1:1:2</airsyncbase:FileReference>
      <Properties>
        <airsyncbase:ContentType>application/pdf</airsyncbase:ContentType>
        <Range>0-11</Range>
        <Total>12</Total>
        <Data>JVBERi0xLjQKJcOkw7w=</Data>
        <Version>2024-01-01T00:00:00.000Z</Version>
      </Properties>
    </Fetch>
    <EmptyFolderContents><Status>1</Status><airsync:CollectionId>3</airsync:CollectionId></EmptyFolderContents>
    <Move><Status>1</Status><ConversationId opaque="base64">qrvM3e7/ABEiM0RVZneImQ==</ConversationId></Move>
  </Response>
</ItemOperations>)"},
      {"MoveItems request", R"(
<MoveItems xmlns="Move">
  <Move><SrcMsgId>1:1</SrcMsgId><SrcFldId>1</SrcFldId><DstFldId>5</DstFldId></Move>
  <Move><SrcMsgId>1:2</SrcMsgId><SrcFldId>1</SrcFldId><DstFldId>5</DstFldId></Move>
</MoveItems>)"},
      {"MoveItems response", R"(
<MoveItems xmlns="Move">
  <Response><SrcMsgId>1:1</SrcMsgId><Status>3</Status><DstMsgId>5:1</DstMsgId></Response>
  <Response><SrcMsgId>1:2</SrcMsgId><Status>1</Status></Response>
</MoveItems>)"},
      {"MeetingResponse request", R"(
<MeetingResponse xmlns="MeetingResponse" xmlns:airsyncbase="AirSyncBase">
  <Request>
    <UserResponse>1</UserResponse>
    <CollectionId>1</CollectionId>
    <RequestId>1:30</RequestId>
    <InstanceId>2024-02-01T09:00:00.000Z</InstanceId>
    <SendResponse><airsyncbase:Body><airsyncbase:Type>1</airsyncbase:Type><airsyncbase:Data>See you</airsyncbase:Data></airsyncbase:Body></SendResponse>
  </Request>
</MeetingResponse>)"},
      {"MeetingResponse request 16.1 proposal", R"(
<MeetingResponse xmlns="MeetingResponse">
  <Request>
    <UserResponse>3</UserResponse><CollectionId>1</CollectionId><RequestId>1:31</RequestId>
    <SendResponse><ProposedStartTime>20240201T100000Z</ProposedStartTime><ProposedEndTime>20240201T110000Z</ProposedEndTime></SendResponse>
  </Request>
</MeetingResponse>)"},
      {"MeetingResponse response", R"(
<MeetingResponse xmlns="MeetingResponse"><Result><RequestId>1:30</RequestId><Status>1</Status><CalendarId>2:7</CalendarId></Result></MeetingResponse>)"},
      {"Search mailbox request", R"(
<Search xmlns="Search" xmlns:airsync="AirSync" xmlns:airsyncbase="AirSyncBase" xmlns:email="Email">
  <Store>
    <Name>Mailbox</Name>
    <Query>
      <And>
        <airsync:Class>Email</airsync:Class>
        <airsync:CollectionId>1</airsync:CollectionId>
        <FreeText>invoice</FreeText>
        <GreaterThan><email:DateReceived/><Value>2024-01-01T00:00:00.000Z</Value></GreaterThan>
      </And>
    </Query>
    <Options>
      <RebuildResults/>
      <DeepTraversal/>
      <Range>0-49</Range>
      <airsyncbase:BodyPreference><airsyncbase:Type>1</airsyncbase:Type><airsyncbase:TruncationSize>1024</airsyncbase:TruncationSize></airsyncbase:BodyPreference>
    </Options>
  </Store>
</Search>)"},
      {"Search mailbox response", R"(
<Search xmlns="Search" xmlns:airsync="AirSync" xmlns:email="Email">
  <Status>1</Status>
  <Response>
    <Store>
      <Status>1</Status>
      <Result>
        <airsync:Class>Email</airsync:Class>
        <LongId>RgAAAAD</LongId>
        <airsync:CollectionId>1</airsync:CollectionId>
        <Properties><email:Subject>Invoice 42</email:Subject><ConversationId opaque="base64">AAECAwQFBgcICQoLDA0ODw==</ConversationId></Properties>
      </Result>
      <Range>0-0</Range>
      <Total>1</Total>
    </Store>
  </Response>
</Search>)"},
      {"Search GAL request", R"(
<Search xmlns="Search">
  <Store>
    <Name>GAL</Name>
    <Query>bob</Query>
    <Options><Range>0-9</Range><UserName>jane</UserName><Password>pw</Password><Picture><MaxSize>10240</MaxSize><MaxPictures>5</MaxPictures></Picture></Options>
  </Store>
</Search>)"},
      {"Search GAL response", R"(
<Search xmlns="Search" xmlns:gal="GAL">
  <Status>1</Status>
  <Response>
    <Store>
      <Status>1</Status>
      <Result>
        <Properties>
          <gal:DisplayName>Bob Builder</gal:DisplayName>
          <gal:Phone>+1 555 0199</gal:Phone>
          <gal:Office>B3</gal:Office>
          <gal:Title>Foreman</gal:Title>
          <gal:Company>Example Ltd</gal:Company>
          <gal:Alias>bob</gal:Alias>
          <gal:FirstName>Bob</gal:FirstName>
          <gal:LastName>Builder</gal:LastName>
          <gal:HomePhone>+1 555 0198</gal:HomePhone>
          <gal:MobilePhone>+1 555 0197</gal:MobilePhone>
          <gal:EmailAddress>bob@example.test</gal:EmailAddress>
          <gal:Picture><gal:Status>1</gal:Status><gal:Data opaque="base64">iVBORw0KGgoAAAANSUhEUgAAAAEAAAAB</gal:Data></gal:Picture>
        </Properties>
      </Result>
      <Range>0-0</Range>
      <Total>1</Total>
    </Store>
  </Response>
</Search>)"},
      {"Search document library response", R"(
<Search xmlns="Search" xmlns:documentlibrary="DocumentLibrary">
  <Status>1</Status>
  <Response>
    <Store>
      <Status>1</Status>
      <Result>
        <Properties>
          <documentlibrary:LinkId>\\fileserver\share\plan.docx</documentlibrary:LinkId>
          <documentlibrary:DisplayName>plan.docx</documentlibrary:DisplayName>
          <documentlibrary:IsFolder>0</documentlibrary:IsFolder>
          <documentlibrary:CreationDate>2023-01-01T00:00:00.000Z</documentlibrary:CreationDate>
          <documentlibrary:LastModifiedDate>2023-06-01T00:00:00.000Z</documentlibrary:LastModifiedDate>
          <documentlibrary:IsHidden>0</documentlibrary:IsHidden>
          <documentlibrary:ContentLength>20480</documentlibrary:ContentLength>
          <documentlibrary:ContentType>application/vnd.openxmlformats-officedocument.wordprocessingml.document</documentlibrary:ContentType>
        </Properties>
      </Result>
    </Store>
  </Response>
</Search>)"},
      {"ResolveRecipients request", R"(
<ResolveRecipients xmlns="ResolveRecipients">
  <To>bob</To>
  <To>carol@example.test</To>
  <Options>
    <CertificateRetrieval>2</CertificateRetrieval>
    <MaxCertificates>1</MaxCertificates>
    <MaxAmbiguousRecipients>5</MaxAmbiguousRecipients>
    <Availability><StartTime>2024-01-01T08:00:00.000Z</StartTime><EndTime>2024-01-01T18:00:00.000Z</EndTime></Availability>
    <Picture><MaxSize>1024</MaxSize><MaxPictures>1</MaxPictures></Picture>
  </Options>
</ResolveRecipients>)"},
      {"ResolveRecipients response", R"(
<ResolveRecipients xmlns="ResolveRecipients">
  <Status>1</Status>
  <Response>
    <To>bob</To>
    <Status>1</Status>
    <RecipientCount>1</RecipientCount>
    <Recipient>
      <Type>1</Type>
      <DisplayName>Bob Builder</DisplayName>
      <EmailAddress>bob@example.test</EmailAddress>
      <Availability><Status>1</Status><MergedFreeBusy>0022200000</MergedFreeBusy></Availability>
      <Certificates><Status>1</Status><CertificateCount>1</CertificateCount><RecipientCount>1</RecipientCount><Certificate>MIIBszCCAV2gAwIBAgIJAO==</Certificate><MiniCertificate>MIIB</MiniCertificate></Certificates>
      <Picture><Status>1</Status><Data opaque="base64">/9j/4AAQSkZJRgABAQAAAQABAAD/</Data></Picture>
    </Recipient>
  </Response>
</ResolveRecipients>)"},
      {"ValidateCert request", R"(
<ValidateCert xmlns="ValidateCert">
  <CertificateChain><Certificate>MIIBchain==</Certificate></CertificateChain>
  <Certificates><Certificate>MIIBleaf==</Certificate></Certificates>
  <CheckCRL>1</CheckCRL>
</ValidateCert>)"},
      {"ValidateCert response", R"(<ValidateCert xmlns="ValidateCert"><Status>1</Status><Certificate><Status>1</Status></Certificate></ValidateCert>)"},
      {"SendMail request", R"(
<SendMail xmlns="ComposeMail">
  <ClientId>client-id-0001</ClientId>
  <AccountId>1</AccountId>
  <SaveInSentItems/>
  <Mime opaque="base64">VG86IGJvYkBleGFtcGxlLnRlc3QNCkZyb206IGphbmVAZXhhbXBsZS50ZXN0DQpTdWJqZWN0OiBIZWxsbw0KTUlNRS1WZXJzaW9uOiAxLjANCkNvbnRlbnQtVHlwZTogbXVsdGlwYXJ0L21peGVkOyBib3VuZGFyeT0ieCINCg0KLS14DQpDb250ZW50LVR5cGU6IHRleHQvcGxhaW47IGNoYXJzZXQ9dXRmLTgNCg0KSGkgQm9iLCBzZWUgYXR0YWNoZWQuDQotLXgNCkNvbnRlbnQtVHlwZTogYXBwbGljYXRpb24vb2N0ZXQtc3RyZWFtDQpDb250ZW50LVRyYW5zZmVyLUVuY29kaW5nOiBiYXNlNjQNCg0KQUFFQ0F3UUZCZ2NJQ1FvTERBME9Edz09DQotLXgtLQ0K</Mime>
</SendMail>)"},
      {"SendMail response", R"(<SendMail xmlns="ComposeMail"><Status>120</Status></SendMail>)"},
      {"SmartReply request", R"(
<SmartReply xmlns="ComposeMail">
  <ClientId>client-id-0002</ClientId>
  <SaveInSentItems/>
  <ReplaceMime/>
  <Source><FolderId>1</FolderId><ItemId>1:1</ItemId><InstanceId>2024-02-01T09:00:00.000Z</InstanceId></Source>
  <Mime opaque="base64">U3ViamVjdDogUmU6IEhlbGxvDQoNCk9LIQ0K</Mime>
</SmartReply>)"},
      {"SmartForward request 16.0", R"(
<SmartForward xmlns="ComposeMail">
  <ClientId>client-id-0003</ClientId>
  <Source><LongId>RgAAAAD</LongId></Source>
  <Forwardees><Forwardee><Name>Carol</Name><Email>carol@example.test</Email></Forwardee></Forwardees>
  <Mime opaque="base64">U3ViamVjdDogRnc6IEhlbGxvDQoNCkZZSQ0K</Mime>
</SmartForward>)"},
      {"Find request 16.1", R"(
<Find xmlns="Find" xmlns:airsync="AirSync" xmlns:airsyncbase="AirSyncBase">
  <SearchId>8bd8b6a9-b0a4-4ad8-a6e5-6c2c2e3b3d11</SearchId>
  <ExecuteSearch>
    <MailBoxSearchCriterion>
      <Query><airsync:Class>Email</airsync:Class><airsync:CollectionId>1</airsync:CollectionId><FreeText>hello</FreeText></Query>
      <Options><Range>0-9</Range><DeepTraversal/></Options>
    </MailBoxSearchCriterion>
  </ExecuteSearch>
</Find>)"},
      {"Find response 16.1", R"(
<Find xmlns="Find" xmlns:airsync="AirSync" xmlns:email="Email" xmlns:gal="GAL">
  <Status>1</Status>
  <Response>
    <airsync:Status>1</airsync:Status>
    <Result>
      <airsync:Class>Email</airsync:Class>
      <airsync:ServerId>1:1</airsync:ServerId>
      <airsync:CollectionId>1</airsync:CollectionId>
      <Properties>
        <email:Subject>hello</email:Subject>
        <DisplayCc>Carol</DisplayCc>
        <Preview>Hi there</Preview>
        <HasAttachments>0</HasAttachments>
        <gal:Picture><gal:Data opaque="base64">R0lGODlh</gal:Data></gal:Picture>
      </Properties>
    </Result>
    <Range>0-0</Range>
    <Total>1</Total>
  </Response>
</Find>)"},
  };
  return docs;
}

element parse_corpus_document(const corpus_document& doc) {
  auto r = from_xml(doc.xml);
  if (!r) {
    ADD_FAILURE() << "corpus document '" << doc.name << "' does not parse: " << r.error().message();
    return element{};
  }
  return std::move(*r);
}

std::vector<fixture_file> client_request_fixtures() {
  namespace fs = std::filesystem;
  const fs::path root = fs::path(EASD_SOURCE_DIR) / "tests" / "fixtures" / "client-requests";
  std::vector<fixture_file> out;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    const auto name = entry.path().filename().string();
    if (!entry.is_regular_file() || !name.ends_with(".req.wbxml")) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    fixture_file f;
    f.name = fs::relative(entry.path(), root).generic_string();
    f.bytes.assign(std::istreambuf_iterator<char>(in), {});
    out.push_back(std::move(f));
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return out;
}

}  // namespace easd::wbxml::test
