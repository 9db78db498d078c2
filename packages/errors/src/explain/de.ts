import type { LanguagePack } from './index.js';

// Formal "Sie": the reader may be a teacher in the app as well as a developer reading logs.
export const de: LanguagePack = {
  CourseNotModifiable: {
    title: 'Kurs ist schreibgeschützt',
    cause:
      'Der Kurs ist archiviert oder anderweitig gesperrt, deshalb lehnt Classroom Änderungen an Inhalten und Teilnehmerliste ab. Nur courseState lässt sich noch umstellen.',
    action:
      'Stellen Sie den Kurs wieder auf aktiv, indem Sie courses.patch mit updateMask=courseState und courseState ACTIVE aufrufen, und wiederholen Sie danach die Anfrage. Weitere Feldänderungen dürfen Sie im selben Patch mitschicken.',
  },
  PendingInvitationExists: {
    title: 'Inhaberwechsel läuft bereits',
    cause:
      'Eine Einladung zur Übernahme dieses Kurses ist schon verschickt, aber vom Empfänger noch nicht angenommen worden. Pro Kurs kann nur ein Inhaberwechsel gleichzeitig offen sein.',
    action:
      'Warten Sie, bis die eingeladene Person zusagt, oder ziehen Sie die offene Einladung mit invitations.delete zurück und starten Sie danach den neuen Wechsel.',
  },
  CourseMemberLimitReached: {
    title: 'Kurs ist voll',
    cause:
      'Mit dieser Person würde der Kurs seine Obergrenze an Mitgliedern überschreiten; Lehrkräfte und Schüler zählen dabei zusammen, üblich sind 1.000.',
    action:
      'Nehmen Sie Schüler oder Lehrkräfte heraus, die nicht mehr im Kurs sein müssen – per API etwa mit courses.students.delete –, und fügen Sie die Person dann erneut hinzu.',
  },
  CourseTeacherLimitReached: {
    title: 'Zu viele Lehrkräfte',
    cause:
      'Der Kurs hat bereits die höchstmögliche Zahl an Lehrkräften (standardmäßig 20); eine weitere kann nicht dazukommen.',
    action:
      'Schaffen Sie Platz, indem Sie eine nicht mehr benötigte Co-Lehrkraft herausnehmen – eine App kann dafür courses.teachers.delete verwenden –, und versuchen Sie es anschließend noch einmal.',
  },
  UserGroupsMembershipLimitReached: {
    title: 'Zu viele Gruppenmitgliedschaften',
    cause:
      'Jede Kursteilnahme zählt zugleich als Mitgliedschaft in einer Google-Gruppe, und dieses Konto hat die Höchstzahl an Gruppen erreicht. Es kann daher weder einen Kurs anlegen noch einem weiteren beitreten.',
    action:
      'Bitten Sie die Person, Kurse zu verlassen, die sie nicht mehr besucht (eine App kann sie mit courses.students.delete austragen). Für zusätzliche Kurse kommt auch ein zweites Konto in Frage.',
  },
  AttachmentNotVisible: {
    title: 'Anhang nicht zugänglich',
    cause:
      'Mindestens ein angehängtes Element fehlt, hat einen unerwarteten Typ oder ist für die anfragende Person unsichtbar. Meist steckt eine Drive-Datei dahinter, die nie mit ihr geteilt wurde.',
    action:
      'Prüfen Sie die IDs der Anhänge, etwa Drive-Datei-IDs, auf Tippfehler und sorgen Sie dafür, dass die Datei mit dieser Person geteilt ist. Senden Sie die Anfrage danach erneut.',
  },
  CannotRemoveCourseFolderOwner: {
    title: 'Lehrkraft besitzt den Kursordner',
    cause:
      'Dieser Lehrkraft gehört der Kursordner in Google Drive, und Classroom nimmt den Eigentümer dieses Ordners nicht aus dem Kurs.',
    action:
      'Machen Sie zuerst eine andere Lehrkraft zur Eigentümerin des Drive-Ordners und wiederholen Sie dann das Entfernen.',
  },
  CannotRemoveCourseOwner: {
    title: 'Entfernen des Inhabers nicht möglich',
    cause:
      'Die Lehrkraft, die Sie entfernen möchten, ist Inhaber des Kurses, und ein Inhaber kann nicht aus seinem eigenen Kurs genommen werden. Meist passiert das, wenn sich eine Lehrkraft selbst austragen will.',
    action:
      'Bestimmen Sie zuerst einen neuen Inhaber, indem Sie ownerId mit courses.patch setzen; diese Person muss bereits im Kurs unterrichten. Danach lässt sich der bisherige Inhaber entfernen.',
  },
  CannotRemoveCourseOwnerTransferIncomplete: {
    title: 'Inhaberwechsel noch nicht abgeschlossen',
    cause:
      'Der Kurs wird gerade im Hintergrund an einen neuen Inhaber übergeben; solange das läuft, kann der bisherige Inhaber nicht entfernt werden.',
    action:
      'Geben Sie der Übergabe ein paar Minuten Zeit und entfernen Sie die Person dann erneut. Ein sofortiger zweiter Versuch scheitert genauso.',
  },
  CannotRemoveTeacherWithNoCourseOwner: {
    title: 'Kurs ohne aktiven Inhaber',
    cause:
      'Der Kurs hat derzeit keinen funktionierenden Inhaber, meist weil dessen Konto gelöscht wurde. In diesem Zustand lässt Classroom keine Lehrkräfte entfernen.',
    action:
      'Bitten Sie einen Google Workspace-Administrator, das Konto des Inhabers wiederherzustellen oder dem Kurs einen neuen Inhaber zu geben. Danach kann die Lehrkraft entfernt werden.',
  },
  InactiveCourseOwner: {
    title: 'Konto des Inhabers inaktiv',
    cause:
      'Das Konto, dem dieser Kurs gehört, wurde gelöscht oder gesperrt; deshalb erlaubt Classroom diese Änderung am Kurs nicht.',
    action:
      'Ein Administrator der Domain des Inhabers muss das Konto wiederherstellen. Sobald es wieder aktiv ist, wiederholen Sie die Anfrage.',
  },
  IneligibleOwner: {
    title: 'Neuer Inhaber ist keine Lehrkraft',
    cause:
      'Inhaber eines Kurses kann nur werden, wer dort bereits unterrichtet, und die angegebene Person gehört nicht zu den Lehrkräften.',
    action:
      'Machen Sie die Person zuerst zur Co-Lehrkraft: Administratoren fügen sie mit courses.teachers.create direkt hinzu, alle anderen laden sie als Lehrkraft ein. Ist sie beigetreten, übertragen Sie den Kurs erneut.',
  },
  UserCannotOwnCourse: {
    title: 'Unzulässiger Kursinhaber',
    cause:
      'Das als Inhaber angegebene Konto kann diesen Kurs nicht bekommen. Wer kein Administrator ist, darf nur Kurse anlegen, die ihm selbst gehören; bei Administratoren existiert das Konto nicht oder liegt in einer anderen Domain.',
    action:
      'Legen Sie den Kurs mit sich selbst als Inhaber an (ownerId me). Als Administrator prüfen Sie, ob das Konto existiert und zu Ihrer Domain gehört.',
  },
  CourseTitleCannotContainUrl: {
    title: 'Link im Kurstitel',
    cause: 'Classroom akzeptiert keine Kurstitel, in denen eine Webadresse steht.',
    action: 'Entfernen Sie den Link aus dem Titel und speichern Sie den Kurs erneut.',
  },
  CourseTopicLimitReached: {
    title: 'Zu viele Themen',
    cause: 'Der Kurs enthält bereits so viele Themen, wie Classroom zulässt; ein weiteres kann nicht angelegt werden.',
    action:
      'Löschen Sie ungenutzte Themen, etwa mit courses.topics.delete, oder verwenden Sie ein vorhandenes Thema weiter.',
  },
  EmptyAssignees: {
    title: 'Niemand wäre mehr zugewiesen',
    cause: 'Nach dieser Änderung wäre der Beitrag keinem einzigen Schüler mehr zugewiesen, er muss aber mindestens einen erreichen.',
    action: 'Lassen Sie mindestens einen Schüler in der Liste, oder weisen Sie den Beitrag mit courses.courseWork.modifyAssignees und assigneeMode ALL_STUDENTS der ganzen Klasse zu.',
  },
  RubricCriteriaInvalidFormat: {
    title: 'Bewertungsraster fehlerhaft aufgebaut',
    cause: 'Einem Kriterium fehlen Titel oder Stufen, nur manche Stufen haben Punkte, oder zwei Stufen eines Kriteriums sind gleich viel wert.',
    action: 'Geben Sie jedem Kriterium einen Titel und mindestens eine Stufe, vergeben Sie Punkte für alle Stufen oder für keine, und verwenden Sie je Kriterium unterschiedliche Punktwerte.',
  },
  MissingGrant: {
    title: 'OAuth-Freigabe fehlt',
    cause:
      'Classroom findet keine Freigabe dieses Nutzers für Ihr Cloud-Projekt, die die Scopes des Benachrichtigungs-Feeds abdeckt. Registrierungen über ein Dienstkonto mit domainweiter Delegierung lösen das aus, weil ihnen die Zustimmung des Nutzers fehlt.',
    action:
      'Lassen Sie den Nutzer Ihre App über den normalen OAuth-Zustimmungsdialog mit den Scopes des Feeds autorisieren und rufen Sie registrations.create dann mit seinem eigenen Token auf.',
  },
  ClassroomDisabled: {
    title: 'Classroom nicht freigeschaltet',
    cause:
      'Dieses Konto darf Google Classroom nicht nutzen, zum Beispiel weil der Dienst in der Admin-Konsole dafür abgeschaltet ist.',
    action:
      'Bitten Sie Ihren Google Workspace-Administrator, Classroom für Ihr Konto einzuschalten, oder melden Sie sich mit einem Konto an, das Classroom verwenden darf.',
  },
  ClassroomApiDisabled: {
    title: 'Classroom API abgeschaltet',
    cause: 'Ein Administrator der Domain hat den Zugriff auf Classroom-Daten über die API für die Nutzer abgeschaltet.',
    action:
      'Bitten Sie den Administrator der Domain, den Zugriff auf die Classroom API in der Admin-Konsole zu erlauben. Die App selbst kann diese Einstellung nicht umgehen.',
  },
  CannotDirectAddUser: {
    title: 'Einladung erforderlich',
    cause:
      'Diese Person lässt sich nicht direkt in den Kurs aufnehmen, etwa weil sie außerhalb Ihrer Domain ist oder keine E-Mail-Adresse hinterlegt hat.',
    action:
      'Schicken Sie stattdessen mit invitations.create eine Einladung; die Person ist dabei, sobald sie diese annimmt.',
  },
  ProjectPermissionDenied: {
    title: 'Element gehört zu einem anderen Projekt',
    cause:
      'Das Element stammt aus einem anderen Google Cloud-Projekt, und Kursaufgaben samt Abgaben darf nur das Projekt ändern, das sie angelegt hat.',
    action:
      'Ändern Sie es über die App, die es erstellt hat, oder lassen Sie Ihre App ein eigenes Element anlegen. Mit den Anmeldedaten dieses Projekts ist keine Änderung möglich.',
  },
  UserIneligibleToUpdateGradingPeriodSettings: {
    title: 'Keine Lizenz für Benotungszeiträume',
    cause:
      'Wer Benotungszeiträume ändern will, braucht eine kostenpflichtige Lizenz von Google Workspace for Education, und diesem Nutzer fehlt sie.',
    action:
      'Bitten Sie einen Administrator, dem Nutzer die Lizenz zuzuweisen, oder lassen Sie eine lizenzierte Lehrkraft des Kurses die Einstellung ändern.',
  },
  InsufficientScopes: {
    title: 'OAuth-Scopes fehlen',
    cause: 'Das Zugriffstoken wurde ohne einen der OAuth-Scopes ausgestellt, die diese Methode verlangt.',
    action:
      'Nehmen Sie den benötigten Scope in die Autorisierungsanfrage Ihrer App auf, holen Sie die Zustimmung des Nutzers neu ein und versuchen Sie es mit dem neuen Token. Welche Scopes eine Methode akzeptiert, steht auf ihrer Referenzseite.',
  },
  UserCourseJoinRateLimitReached: {
    title: 'Tageslimit für Kursbeitritte erreicht',
    cause: 'Diese Person ist heute schon so vielen Kursen beigetreten, wie Classroom innerhalb eines Tages erlaubt.',
    action:
      'Warten Sie einen vollen Tag, bevor Sie die Person erneut hinzufügen oder einschreiben. Frühere Versuche schlagen fehl und verbrauchen nur Kontingent.',
  },
  ProjectRateLimitExceeded: {
    title: 'Anfragelimit des Projekts überschritten',
    cause:
      'Ihr Cloud-Projekt hat mehr Anfragen pro Minute gesendet, als sein Kontingent für die Classroom API zulässt.',
    action:
      'Wiederholen Sie die Anfrage mit exponentiellem Backoff und Jitter und verteilen Sie die Last zeitlich. Reicht das Kontingent für den normalen Betrieb nicht, beantragen Sie in der Google Cloud Console eine Erhöhung.',
  },
  UserRateLimitExceeded: {
    title: 'Anfragelimit pro Nutzer überschritten',
    cause: 'Im Namen dieses einen Nutzers gingen innerhalb einer Minute zu viele Anfragen ein.',
    action:
      'Drosseln Sie die Anfragen für diesen Nutzer und wiederholen Sie sie mit exponentiellem Backoff und Jitter. Ein höheres Kontingent pro Nutzer können Sie in der Google Cloud Console beantragen.',
  },
  DailyLimitExceeded: {
    title: 'Tageskontingent aufgebraucht',
    cause: 'Ihr Cloud-Projekt hat sein gesamtes tägliches Kontingent an Anfragen für die Classroom API verbraucht.',
    action:
      'Erst wenn das Tageskontingent zurückgesetzt ist, gehen Anfragen wieder durch; warten Sie bis dahin, statt es wiederholt zu versuchen. Passiert das häufiger, beantragen Sie in der Google Cloud Console eine Erhöhung.',
  },
  INVALID_ARGUMENT: {
    title: 'Ungültige Anfrage',
    cause:
      'Ein Feld oder Parameter der Anfrage enthält einen Wert, den die API nicht annimmt, etwa eine falsch aufgebaute ID oder ein fehlendes Pflichtfeld.',
    action:
      'Korrigieren Sie die Anfrage anhand der Fehlerdetails, die oft das betroffene Feld nennen. Unverändert gesendet, schlägt sie wieder fehl.',
  },
  FAILED_PRECONDITION: {
    title: 'Derzeit nicht möglich',
    cause: 'Die Anfrage ist an sich korrekt, aber der aktuelle Zustand des Kurses oder Nutzers lässt sie nicht zu.',
    action:
      'Entnehmen Sie der Fehlermeldung die genaue Bedingung, lassen Sie den Nutzer diesen Zustand ändern und versuchen Sie es dann noch einmal. Eine unveränderte Wiederholung hilft nicht.',
  },
  OUT_OF_RANGE: {
    title: 'Wert außerhalb des Bereichs',
    cause:
      'Ein Wert in der Anfrage liegt außerhalb des zulässigen Bereichs, zum Beispiel eine zu große Seitengröße oder ein unzulässiges Datum.',
    action: 'Halten Sie den Wert innerhalb der dokumentierten Grenzen und senden Sie die korrigierte Anfrage.',
  },
  UNAUTHENTICATED: {
    title: 'Anmeldung erforderlich',
    cause:
      'Die Anfrage enthielt keine gültigen Anmeldedaten: Das Zugriffstoken fehlt, ist abgelaufen oder wurde widerrufen.',
    action:
      'Erneuern Sie das Zugriffstoken oder lassen Sie den Nutzer sich neu anmelden, und wiederholen Sie dann die Anfrage.',
  },
  PERMISSION_DENIED: {
    title: 'Keine Berechtigung',
    cause: 'Der angemeldete Nutzer darf diese Aktion für diesen Kurs oder dieses Element nicht ausführen.',
    action:
      'Prüfen Sie die Rolle des Nutzers im Kurs (Lehrkraft, Inhaber oder Administrator). Fehlt sie, muss jemand mit dieser Rolle die Aktion übernehmen oder den Zugriff gewähren.',
  },
  NOT_FOUND: {
    title: 'Nicht gefunden',
    cause:
      'Der Kurs, Nutzer oder das Element, auf das sich die Anfrage bezieht, existiert nicht oder ist für diesen Nutzer nicht sichtbar.',
    action:
      'Prüfen Sie die IDs in der Anfrage. Möglicherweise wurde das Element gelöscht oder der Nutzer hat keinen Zugriff darauf.',
  },
  ALREADY_EXISTS: {
    title: 'Bereits vorhanden',
    cause:
      'Was die Anfrage anlegen will, gibt es schon, zum Beispiel ist der Nutzer bereits Kursmitglied oder schon eingeladen.',
    action: 'Werten Sie das als Erfolg oder rufen Sie das vorhandene Element ab, statt es neu anzulegen.',
  },
  ABORTED: {
    title: 'Konflikt mit anderer Änderung',
    cause: 'Die Anfrage wurde abgebrochen, weil sie mit einer gleichzeitig vorgenommenen Änderung kollidierte.',
    action:
      'Versuchen Sie es nach einer kurzen Pause mit exponentiellem Backoff und Jitter erneut; meist klappt ein späterer Versuch.',
  },
  RESOURCE_EXHAUSTED: {
    title: 'Ressourcenlimit erreicht',
    cause:
      'Während der Bearbeitung war ein Kontingent oder ein anderes Limit erschöpft, meist weil zu viele Anfragen zu schnell eintrafen.',
    action:
      'Senden Sie weniger Anfragen und wiederholen Sie sie mit exponentiellem Backoff und Jitter. Handelt es sich um ein Kontingent, können Sie in der Google Cloud Console eine Erhöhung beantragen.',
  },
  CANCELLED: {
    title: 'Anfrage abgebrochen',
    cause:
      'Die Anfrage wurde vor ihrem Abschluss abgebrochen, meist von der aufrufenden App selbst, etwa durch einen Abort oder eine geschlossene Verbindung.',
    action:
      'War der Abbruch gewollt, ist nichts zu tun. Andernfalls klären Sie, warum die App den Aufruf abgebrochen hat, und senden Sie ihn erneut.',
  },
  DEADLINE_EXCEEDED: {
    title: 'Zeitüberschreitung',
    cause: 'Der Server konnte die Anfrage nicht innerhalb seiner Zeitgrenze abschließen.',
    action:
      'Wiederholen Sie die Anfrage mit exponentiellem Backoff und Jitter; prüfen Sie bei Aufrufen, die etwas anlegen, vorher, ob der erste Versuch nicht doch gewirkt hat. Tritt das öfter auf, verkleinern Sie die Anfragen, etwa mit weniger Einträgen pro Seite.',
  },
  UNIMPLEMENTED: {
    title: 'Nicht unterstützt',
    cause: 'Die API unterstützt diese Methode oder diese Kombination von Optionen nicht.',
    action:
      'Suchen Sie in der Referenz der Classroom API nach einem unterstützten Weg. Ein erneuter Versuch ändert nichts.',
  },
  INTERNAL: {
    title: 'Serverfehler bei Classroom',
    cause:
      'Innerhalb von Classroom ist bei der Bearbeitung etwas schiefgegangen; an der Anfrage selbst muss es nicht liegen.',
    action:
      'Wiederholen Sie die Anfrage mit exponentiellem Backoff und Jitter, das behebt den Fehler meist. Bleibt er bestehen, melden Sie ihn im öffentlichen Issue Tracker der Classroom API.',
  },
  UNAVAILABLE: {
    title: 'Dienst nicht erreichbar',
    cause: 'Classroom kann vorübergehend keine Anfragen bearbeiten, etwa wegen Überlastung oder Wartung.',
    action: 'Warten Sie kurz und wiederholen Sie die Anfrage mit exponentiellem Backoff und Jitter.',
  },
  UNKNOWN: {
    title: 'Unbekannter Fehler',
    cause: 'Der Server hat einen Fehler gemeldet, ohne dessen Art anzugeben.',
    action:
      'Wiederholen Sie die Anfrage mit exponentiellem Backoff und Jitter. Kommt der Fehler immer wieder, protokollieren Sie die vollständige Antwort und melden Sie ihn.',
  },
  DATA_LOSS: {
    title: 'Datenverlust',
    cause: 'Laut Server sind bei der Bearbeitung der Anfrage Daten verloren gegangen oder beschädigt worden.',
    action:
      'Wiederholen Sie die Anfrage nicht automatisch. Prüfen Sie das betroffene Element und melden Sie das Problem mit der vollständigen Fehlerantwort an Google.',
  },
  NetworkError: {
    title: 'Netzwerkfehler',
    cause:
      'Die Verbindung ist gescheitert, bevor Classroom geantwortet hat, etwa durch einen Verbindungsabbruch, einen DNS-Fehler oder eine Zeitüberschreitung.',
    action: 'Prüfen Sie die Netzwerkverbindung und wiederholen Sie die Anfrage mit exponentiellem Backoff und Jitter.',
  },
};
